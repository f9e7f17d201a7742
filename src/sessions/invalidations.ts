import type { Em } from '../db/types.js';
import type { DatabaseTarget } from '../db/orm-options.js';
import type { Logger } from '../logger.js';
import { announce, createInvalidationListener, type Invalidation } from './invalidation.js';
import { InvalidationConfirmations, type PendingConfirmation } from './invalidation-confirmations.js';
import { InvalidationEchoes } from './invalidation-echo.js';
import type { SessionCache } from './session-cache.js';

export interface InvalidationsOptions {
  /** The database whose channel carries invalidations between instances. */
  readonly target: DatabaseTarget;
  readonly cache: Pick<SessionCache, 'evictSession' | 'evictUser' | 'setTrusted'>;
  readonly logger: Logger;
  /** Where listener health and propagation are reported (`gatehouse_invalidation_listener_up`, …_seconds). */
  readonly metrics?: {
    readonly listenerUp: { set(value: number): void };
    readonly propagation: { observe(seconds: number): void };
    readonly unconfirmed: { inc(): void };
  };
  /** Wall-clock epoch milliseconds, compared with the database's stamp (never a test clock). */
  readonly wallClock?: () => number;
}

/**
 * The one owner of invalidation on this instance: it announces changes to sessions and to users' roles, listens
 * for everyone's announcements, evicts this instance's cache, and trusts that cache only while it listens.
 */
export interface Invalidations {
  /**
   * Runs a change to sessions or to a user's roles in a transaction that also announces it, then evicts the local
   * cache entry and waits (bounded) until its own listener has heard the announcement and every instance that was
   * listening has confirmed evicting it, so no instance serves the old state once the caller has answered.
   * `change` returns how many rows it changed; nothing is announced when it changed none. An error thrown by
   * `change` rolls everything back and is rethrown.
   */
  run(em: Em, invalidation: Invalidation, change: (tx: Em) => Promise<number>): Promise<number>;
  /** Applies an invalidation to this instance's cache (one heard on the channel, or one made here). */
  evict(invalidation: Invalidation): void;
  /** What the listener does with each announcement heard: evicts it, records its propagation, then confirms it. */
  hear(invalidation: Invalidation, sentAt: number | undefined, confirm: () => void): void;
  /** Calls `listener` after each invalidation applied here (live sockets re-check their session); returns its removal. */
  watch(listener: (invalidation: Invalidation) => void): () => void;
  /** The revoking requests waiting for their own announcement to come back. */
  readonly echoes: InvalidationEchoes;
  /** The revoking requests waiting for every listening instance to confirm its eviction. */
  readonly confirmations: InvalidationConfirmations;
  /** Whether the channel listens now: false means this instance checks every session in the database. */
  readonly listening: boolean;
  /** Starts listening; the cache is trusted from the moment the channel listens. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createInvalidations(options: InvalidationsOptions): Invalidations {
  const { target, cache, logger, metrics, wallClock = Date.now } = options;
  let listening = false;
  const watchers = new Set<(invalidation: Invalidation) => void>();
  const invalidations: Invalidations = {
    echoes: new InvalidationEchoes(),
    confirmations: new InvalidationConfirmations(),

    async run(em, invalidation, change) {
      // Registered before the commit: the echo may come back before the transaction call returns.
      const echo = invalidations.echoes.expect(invalidation);
      let confirmation: PendingConfirmation | undefined;
      let changed = 0;
      try {
        changed = await em.transactional(async (tx) => {
          const n = await change(tx as Em);
          if (n > 0) {
            const announced = await announce(tx as Em, invalidation);
            confirmation = invalidations.confirmations.expect(announced.payload, announced.listeners);
          }
          return n;
        });
      } finally {
        // Evicted whatever happened: a cache entry must never outlive a change that might have committed.
        invalidations.evict(invalidation);
        if (changed === 0) {
          echo.cancel();
          confirmation?.cancel();
        }
      }
      if (changed === 0) return 0;
      const [, missing] = await Promise.all([echo.wait(), confirmation!.wait()]);
      if (missing.length > 0) {
        metrics?.unconfirmed.inc();
        logger.warn(
          { listeners: missing },
          'revocation answered before every instance confirmed it (waited the bound); they may serve it briefly',
        );
      }
      return changed;
    },

    evict(invalidation) {
      if (invalidation.kind === 'session') cache.evictSession(invalidation.id);
      else cache.evictUser(invalidation.id);
      for (const watcher of watchers) watcher(invalidation);
    },

    hear(invalidation, sentAt, confirm) {
      invalidations.evict(invalidation);
      // Clamped at 0: the database's clock and this host's may disagree by a little.
      if (sentAt !== undefined) metrics?.propagation.observe(Math.max(0, wallClock() - sentAt) / 1000);
      invalidations.echoes.heard(invalidation);
      confirm();
    },

    watch(listener) {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },

    get listening() {
      return listening;
    },
    start: () => listener.start(),
    stop: () => listener.stop(),
  };

  // Looked up on the object at each call, so a test can hold or observe what the channel delivers.
  const listener = createInvalidationListener(
    target,
    {
      onInvalidation: (invalidation, sentAt, confirm) => invalidations.hear(invalidation, sentAt, confirm),
      onConfirmation: (payload, pid) => invalidations.confirmations.confirmed(payload, pid),
      onHealth: (healthy) => {
        listening = healthy;
        metrics?.listenerUp.set(healthy ? 1 : 0);
        cache.setTrusted(healthy);
      },
    },
    logger,
  );
  return invalidations;
}
