import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import type { SessionState } from './session-state.js';

export interface SessionCacheOptions {
  /** Reads one session (with its user) from the database; null when there is no such session. */
  readonly load: (sessionId: string) => Promise<SessionState | null>;
  readonly clock: Clock;
  /** How long an entry is served before the next request re-reads it (SESSION_CACHE_TTL). */
  readonly ttlMs: number;
  readonly maxEntries?: number;
  /** Counts lookups served from the cache (hit) and reads from the database (miss): pre-bound metric children. */
  readonly lookups?: { readonly hit: { inc(): void }; readonly miss: { inc(): void } };
}

interface Entry {
  readonly state: SessionState;
  /** When the read that produced `state` began: the entry is at most this old. */
  readonly loadedAt: number;
}

/**
 * Per-instance cache of session state, so an authenticated request costs no database read in the steady state.
 * It is only trusted while the invalidation channel is up; revocations and role changes evict entries on every
 * instance. A load that races an eviction is not stored (the epoch moved), so an entry is never staler than the
 * last invalidation this instance received. Each entry also lives at most `ttlMs`: a change that announced
 * nothing (a write the triggers do not see, a trigger dropped) still shows within that bound.
 */
export class SessionCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly sessionsByUser = new Map<string, Set<string>>();
  /** Reads in progress for `get`, so an expired entry is re-read once, not once per concurrent request. */
  private readonly loading = new Map<string, { epoch: number; state: Promise<SessionState | null> }>();
  private epoch = 0;
  private trusted = false;

  constructor(private readonly options: SessionCacheOptions) {
    this.entries = new LRUCache({
      max: options.maxEntries ?? 50_000,
      dispose: (entry, sessionId) => this.sessionsByUser.get(entry.state.user.id)?.delete(sessionId),
    });
  }

  /** The state of a session: from the cache while it is trusted and fresh, else from the database. */
  async get(sessionId: string): Promise<SessionState | null> {
    if (!this.trusted) return this.refresh(sessionId);
    const hit = this.entries.get(sessionId);
    if (hit && this.options.clock.now().getTime() - hit.loadedAt < this.options.ttlMs) {
      this.options.lookups?.hit.inc();
      return hit.state;
    }
    // Join a read only if it started after the last eviction: an older one may return what was just revoked.
    const pending = this.loading.get(sessionId);
    if (pending && pending.epoch === this.epoch) return pending.state;
    const state = this.refresh(sessionId);
    const flight = { epoch: this.epoch, state };
    this.loading.set(sessionId, flight);
    const done = () => {
      if (this.loading.get(sessionId) === flight) this.loading.delete(sessionId);
    };
    state.then(done, done);
    return state;
  }

  /** Reads a session from the database and, if nothing was invalidated meanwhile, remembers it. */
  async refresh(sessionId: string): Promise<SessionState | null> {
    const epoch = this.epoch;
    const loadedAt = this.options.clock.now().getTime();
    this.options.lookups?.miss.inc();
    const state = await this.options.load(sessionId);
    if (this.trusted && epoch === this.epoch) {
      if (state) this.remember(state, loadedAt);
      else this.entries.delete(sessionId);
    }
    return state;
  }

  /**
   * Records a last-seen write on the entry as it is *now*: only the two timestamps move, so a background write
   * that finishes after a role change or a revocation cannot bring back the state it started from. The entry
   * keeps its age: a write of ours says nothing about what others changed.
   */
  touched(sessionId: string, lastSeenAt: Date, idleExpiresAt: Date): void {
    const current = this.trusted ? this.entries.get(sessionId) : undefined;
    if (current) this.remember({ ...current.state, lastSeenAt, idleExpiresAt }, current.loadedAt);
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

  private remember(state: SessionState, loadedAt: number): void {
    this.entries.set(state.sessionId, { state, loadedAt });
    let set = this.sessionsByUser.get(state.user.id);
    if (!set) this.sessionsByUser.set(state.user.id, (set = new Set()));
    set.add(state.sessionId);
  }
}
