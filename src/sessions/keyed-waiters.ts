/**
 * Callbacks waiting under a key (an announcement), each removable on its own: the bookkeeping that a revoking
 * request's echo and its confirmations share. A key is forgotten with its last waiter.
 */
export class KeyedWaiters<T> {
  private readonly waiting = new Map<string, Set<(value: T) => void>>();

  /** Registers `callback` under `key`; returns its removal. */
  add(key: string, callback: (value: T) => void): () => void {
    let set = this.waiting.get(key);
    if (!set) this.waiting.set(key, (set = new Set()));
    set.add(callback);
    return () => {
      set.delete(callback);
      if (set.size === 0 && this.waiting.get(key) === set) this.waiting.delete(key);
    };
  }

  /** Calls every callback waiting under `key` with `value`. */
  notify(key: string, value: T): void {
    for (const callback of this.waiting.get(key) ?? []) callback(value);
  }

  /** How many keys have waiters (a test checks nothing is left behind). */
  get keys(): number {
    return this.waiting.size;
  }
}

/** Resolves when `promise` does or after `ms`, whichever comes first, and leaves no timer behind. */
export async function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([promise, timeout]);
  clearTimeout(timer);
}
