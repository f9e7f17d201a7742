import { LRUCache } from 'lru-cache';
import type { SessionState } from './session-state.js';

export interface SessionCacheOptions {
  /** Reads one session (with its user) from the database; null when there is no such session. */
  readonly load: (sessionId: string) => Promise<SessionState | null>;
  readonly maxEntries?: number;
}

/**
 * Per-instance cache of session state, so an authenticated request costs no database read in the steady state.
 * It is only trusted while the invalidation channel is up; revocations and role changes evict entries on every
 * instance. A load that races an eviction is not stored (the epoch moved), so an entry is never staler than the
 * last invalidation this instance received.
 */
export class SessionCache {
  private readonly entries: LRUCache<string, SessionState>;
  private readonly sessionsByUser = new Map<string, Set<string>>();
  private epoch = 0;
  private trusted = false;

  constructor(private readonly options: SessionCacheOptions) {
    this.entries = new LRUCache({
      max: options.maxEntries ?? 50_000,
      dispose: (state, sessionId) => this.sessionsByUser.get(state.user.id)?.delete(sessionId),
    });
  }

  /** The state of a session: from the cache while it is trusted, else from the database. */
  async get(sessionId: string): Promise<SessionState | null> {
    if (this.trusted) {
      const hit = this.entries.get(sessionId);
      if (hit) return hit;
    }
    return this.refresh(sessionId);
  }

  /** Reads a session from the database and, if nothing was invalidated meanwhile, remembers it. */
  async refresh(sessionId: string): Promise<SessionState | null> {
    const epoch = this.epoch;
    const state = await this.options.load(sessionId);
    if (state && this.trusted && epoch === this.epoch) this.remember(state);
    return state;
  }

  /**
   * Records a last-seen write on the entry as it is *now*: only the two timestamps move, so a background write
   * that finishes after a role change or a revocation cannot bring back the state it started from.
   */
  touched(sessionId: string, lastSeenAt: Date, idleExpiresAt: Date): void {
    const current = this.trusted ? this.entries.get(sessionId) : undefined;
    if (current) this.remember({ ...current, lastSeenAt, idleExpiresAt });
  }

  evictSession(sessionId: string): void {
    this.epoch++;
    this.entries.delete(sessionId);
  }

  evictUser(userId: string): void {
    this.epoch++;
    for (const sessionId of [...(this.sessionsByUser.get(userId) ?? [])]) this.entries.delete(sessionId);
    this.sessionsByUser.delete(userId);
  }

  /**
   * Called by the invalidation listener. Untrusted: every lookup goes to the database (never trust a cache that
   * may have missed an invalidation). Trusted again only after a reconnect, starting empty.
   */
  setTrusted(trusted: boolean): void {
    this.epoch++;
    this.entries.clear();
    this.sessionsByUser.clear();
    this.trusted = trusted;
  }

  get size(): number {
    return this.entries.size;
  }

  private remember(state: SessionState): void {
    this.entries.set(state.sessionId, state);
    let set = this.sessionsByUser.get(state.user.id);
    if (!set) this.sessionsByUser.set(state.user.id, (set = new Set()));
    set.add(state.sessionId);
  }
}
