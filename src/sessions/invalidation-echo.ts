import type { Invalidation } from './invalidation.js';
import { KeyedWaiters, waitAtMost } from './keyed-waiters.js';

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
  private readonly waiting = new KeyedWaiters<void>();

  expect(invalidation: Invalidation): PendingEcho {
    let resolve!: () => void;
    const heard = new Promise<void>((r) => (resolve = r));
    const cancel = this.waiting.add(keyOf(invalidation), resolve);
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
    this.waiting.notify(keyOf(invalidation), undefined);
  }
}

const keyOf = (invalidation: Invalidation) => `${invalidation.kind}:${invalidation.id}`;
