import type { PubSub } from 'type-graphql';

/** Events a subscriber has not taken yet; beyond this the oldest are dropped, so a stalled one cannot grow memory. */
const MAX_QUEUED = 256;

export interface LivePubSub extends PubSub {
  /** How many subscriptions listen on this instance. */
  readonly subscribers: number;
  /** Resolves once `count` subscriptions listen on `topic` (and `id`) here: a test or a benchmark awaits it. */
  subscribed(topic: string, id?: string, count?: number): Promise<void>;
}

/**
 * The in-process PubSub type-graphql's `@Subscription({ topics, topicId })` reads from. It only delivers what this
 * instance heard: events reach it from the live channel (`live-channel.ts`), so every instance's subscribers get
 * them. `publish(topic, payload)` or `publish(topic, id, payload)`, as type-graphql's `topicId` expects.
 */
export function createPubSub(): LivePubSub {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const awaited = new Map<string, { count: number; resolve: () => void }[]>();
  const keyOf = (topic: string, id?: unknown) => (id === undefined ? topic : `${topic}\u0000${String(id)}`);
  let subscribers = 0;

  return {
    get subscribers() {
      return subscribers;
    },
    subscribed(topic, id, count = 1) {
      const key = keyOf(topic, id);
      if ((listeners.get(key)?.size ?? 0) >= count) return Promise.resolve();
      return new Promise((resolve) => awaited.set(key, [...(awaited.get(key) ?? []), { count, resolve }]));
    },
    publish(topic, ...args) {
      const [key, payload] = args.length >= 2 ? [keyOf(topic, args[0]), args[1]] : [keyOf(topic), args[0]];
      for (const listener of [...(listeners.get(key) ?? [])]) listener(payload);
    },
    subscribe(topic, id) {
      const key = keyOf(topic, id);
      const queue: unknown[] = [];
      let waiting: ((result: IteratorResult<unknown>) => void) | undefined;
      let done = false;
      const listener = (payload: unknown) => {
        if (waiting) {
          const resolve = waiting;
          waiting = undefined;
          resolve({ done: false, value: payload });
          return;
        }
        queue.push(payload);
        if (queue.length > MAX_QUEUED) queue.shift();
      };
      let set = listeners.get(key);
      if (!set) listeners.set(key, (set = new Set()));
      set.add(listener);
      subscribers++;
      const queued = awaited.get(key) ?? [];
      for (const w of queued.filter((w) => set.size >= w.count)) w.resolve();
      awaited.set(
        key,
        queued.filter((w) => set.size < w.count),
      );
      const end = (): IteratorResult<unknown> => {
        if (!done) {
          done = true;
          subscribers--;
          set.delete(listener);
          if (set.size === 0 && listeners.get(key) === set) listeners.delete(key);
          queue.length = 0;
          waiting?.({ done: true, value: undefined });
          waiting = undefined;
        }
        return { done: true, value: undefined };
      };
      const iterator: AsyncIterableIterator<unknown> = {
        next() {
          if (queue.length > 0) return Promise.resolve({ done: false, value: queue.shift() });
          if (done) return Promise.resolve({ done: true, value: undefined });
          return new Promise((resolve) => (waiting = resolve));
        },
        return: () => Promise.resolve(end()),
        throw: (error: unknown) => {
          end();
          return Promise.reject(error);
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
  };
}
