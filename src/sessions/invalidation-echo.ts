import type { Invalidation } from './invalidation.js';

/** How long a revoking request waits for its announcement to come back before answering anyway. */
const ECHO_TIMEOUT_MS = 1000;

export interface PendingEcho {
  /** Resolves once the channel has carried the invalidation (or after the timeout). */
  wait(): Promise<void>;
  cancel(): void;
}

/**
 * Lets a revoking request wait until its own NOTIFY has come back through LISTEN: then this instance's own channel
 * is known to work. On PostgreSQL the other instances' confirmations say the rest (invalidation-confirmations.ts);
 * on the embedded database every listener is called during the commit, so the echo alone says it. Register before
 * the transaction commits, so the echo cannot be missed.
 */
export class InvalidationEchoes {
  private readonly waiting = new Map<string, Set<() => void>>();

  expect(invalidation: Invalidation): PendingEcho {
    const key = `${invalidation.kind}:${invalidation.id}`;
    let resolve!: () => void;
    const heard = new Promise<void>((r) => (resolve = r));
    let set = this.waiting.get(key);
    if (!set) this.waiting.set(key, (set = new Set()));
    set.add(resolve);
    const cancel = () => {
      set!.delete(resolve);
      if (set!.size === 0 && this.waiting.get(key) === set) this.waiting.delete(key);
    };
    return {
      async wait() {
        await waitAtMost(heard, ECHO_TIMEOUT_MS);
        cancel();
      },
      cancel,
    };
  }

  /** Called by the listener for every invalidation it hears. */
  heard(invalidation: Invalidation): void {
    const key = `${invalidation.kind}:${invalidation.id}`;
    for (const resolve of this.waiting.get(key) ?? []) resolve();
  }
}

/** Resolves when `promise` does or after `ms`, whichever comes first, and leaves no timer behind. */
export async function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([promise, timeout]);
  clearTimeout(timer);
}
