import { KeyedWaiters, waitAtMost } from './keyed-waiters.js';

/** How long a revoking request waits for the other instances' confirmations before answering anyway. */
const CONFIRM_TIMEOUT_MS = 1000;

export interface PendingConfirmation {
  /**
   * Resolves once every expected listener has confirmed (or after the bound); with the listeners that had not
   * confirmed by then, empty when all did.
   */
  wait(): Promise<readonly number[]>;
  cancel(): void;
}

/**
 * Lets a revoking request wait until every instance listening at its commit has evicted the change. An instance
 * evicts an announcement and then confirms it on the acknowledgement channel, so a confirmation means its cache
 * can no longer serve the revoked state: a client that goes from the revoking instance's answer straight to any
 * other instance is refused there. (Hearing only its own echo would not say that: PostgreSQL delivers a NOTIFY to
 * each listening connection on its own, and another instance may read its copy after the client's next request.)
 *
 * Listeners are known by their database backend pid, the one thing both sides see: the announcing transaction
 * lists the pids listening at that moment, and a confirmation arrives as a notification from the confirming
 * listener's own connection, stamped with that pid by PostgreSQL. Register before the commit, so no confirmation
 * can be missed.
 */
export class InvalidationConfirmations {
  private readonly waiting = new KeyedWaiters<number>();

  /** `key`: the announcement as it went out (its stamp makes it unique); `listeners`: whose confirmation counts. */
  expect(key: string, listeners: readonly number[]): PendingConfirmation {
    const missing = new Set(listeners);
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    if (missing.size === 0) resolve();
    const cancel = this.waiting.add(key, (pid) => {
      missing.delete(pid);
      if (missing.size === 0) resolve();
    });
    return {
      async wait() {
        await waitAtMost(done, CONFIRM_TIMEOUT_MS);
        cancel();
        return [...missing];
      },
      cancel,
    };
  }

  /** Called for every confirmation heard: `pid` is the backend of the listener that confirmed `key`. */
  confirmed(key: string, pid: number): void {
    this.waiting.notify(key, pid);
  }
}
