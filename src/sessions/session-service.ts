import type { MikroORM } from '@mikro-orm/core';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import type { Logger } from '../logger.js';
import type { User } from '../users/user.entity.js';
import { announce, type Invalidation } from './invalidation.js';
import { InvalidationEchoes } from './invalidation-echo.js';
import { RevokeReason, Session } from './session.entity.js';
import { SessionCache } from './session-cache.js';
import { checkSession, type SessionCheck, type SessionState } from './session-state.js';
import type { Transport } from '../authz/transport.js';

/** Last-seen (and so the rolling idle expiry) is written at most this often per session. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionServiceOptions {
  readonly orm: MikroORM;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly idleTtlSec: number;
  readonly absoluteTtlSec: number;
  /** SESSION_CACHE_TTL: the longest a cached session state is served without a database read. */
  readonly cacheTtlSec: number;
}

/** Creates, checks, touches and revokes sessions; owns the per-instance session cache. */
export class SessionService {
  readonly cache: SessionCache;
  readonly echoes = new InvalidationEchoes();
  private readonly touching = new Set<string>();

  constructor(private readonly options: SessionServiceOptions) {
    this.cache = new SessionCache({
      load: (id) => this.load(id),
      clock: options.clock,
      ttlMs: options.cacheTtlSec * 1000,
    });
  }

  /** Starts a session for a user who has just proved their password. */
  async create(
    em: Em,
    input: { user: User; transport: Transport; ip: string | null; userAgent: string | null },
  ): Promise<Session> {
    const now = this.options.clock.now();
    const session = em.create(Session, {
      user: input.user,
      transport: input.transport,
      createdAt: now,
      lastSeenAt: now,
      authTime: now,
      idleExpiresAt: this.idleExpiry(now),
      absoluteExpiresAt: new Date(now.getTime() + this.options.absoluteTtlSec * 1000),
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
    });
    await em.persistAndFlush(session);
    return session;
  }

  /** The hot path: is this session alive, and who is behind it? Denials are confirmed against the database. */
  async check(sessionId: string, now = this.options.clock.now()): Promise<SessionCheck> {
    const result = checkSession(await this.cache.get(sessionId), now);
    if (result.ok) return result;
    return checkSession(await this.cache.refresh(sessionId), now);
  }

  /**
   * Moves last-seen and the idle expiry forward, at most once a minute per session, without blocking the request.
   * Returns true when it does (a cookie is then re-issued with the new expiry).
   */
  touch(state: SessionState, now = this.options.clock.now()): boolean {
    if (
      now.getTime() - state.lastSeenAt.getTime() < TOUCH_INTERVAL_MS ||
      this.touching.has(state.sessionId)
    ) {
      return false;
    }
    this.touching.add(state.sessionId);
    const idleExpiresAt = this.idleExpiry(now);
    this.options.orm.em
      .fork()
      .nativeUpdate(Session, { id: state.sessionId, revokedAt: null }, { lastSeenAt: now, idleExpiresAt })
      .then((updated) => {
        if (updated > 0) this.cache.touched(state.sessionId, now, idleExpiresAt);
      })
      .catch((error: Error) => this.options.logger.warn({ err: error }, 'could not record session activity'))
      .finally(() => this.touching.delete(state.sessionId));
    return true;
  }

  /** Resolves the cookie-session row of an express-session id hash (the request path caches verified cookies). */
  async idByCookieHash(cookieIdHash: string): Promise<string | null> {
    const row = await this.options.orm.em.fork().findOne(Session, { cookieIdHash }, { fields: ['id'] });
    return row?.id ?? null;
  }

  /** Binds an express-session id (by hash) to a cookie session row, once. */
  async bindCookie(sessionId: string, cookieIdHash: string): Promise<void> {
    await this.options.orm.em
      .fork()
      .nativeUpdate(Session, { id: sessionId, cookieIdHash: null }, { cookieIdHash });
  }

  /** Revokes one session; true when it was live. Takes effect on every instance on its next request. */
  async revoke(em: Em, sessionId: string, reason: RevokeReason): Promise<boolean> {
    return this.invalidating(em, { kind: 'session', id: sessionId }, (tx) =>
      tx.nativeUpdate(
        Session,
        { id: sessionId, revokedAt: null },
        { revokedAt: this.options.clock.now(), revokedReason: reason },
      ),
    ).then((n) => n > 0);
  }

  /**
   * Revokes every live session of a user but `keep`; returns how many. `alongside` runs in the same transaction
   * (a password change: the new hash and the revocations commit together or not at all).
   */
  async revokeAllOfUser(
    em: Em,
    userId: string,
    reason: RevokeReason,
    options: { keep?: string; alongside?: (tx: Em) => Promise<unknown> } = {},
  ): Promise<number> {
    const { keep, alongside } = options;
    const where = keep
      ? { user: userId, revokedAt: null, id: { $ne: keep } }
      : { user: userId, revokedAt: null };
    return this.invalidating(em, { kind: 'user', id: userId }, async (tx) => {
      await alongside?.(tx);
      return tx.nativeUpdate(Session, where, { revokedAt: this.options.clock.now(), revokedReason: reason });
    });
  }

  /**
   * Runs a change to sessions or to a user's roles in a transaction that also announces it, then evicts the local
   * cache entry and waits (bounded) for the announcement to come back, so every instance has been told before the
   * caller answers. `change` returns how many rows it changed; nothing is announced when it changed none.
   */
  async invalidating(
    em: Em,
    invalidation: Invalidation,
    change: (tx: Em) => Promise<number>,
  ): Promise<number> {
    const echo = this.echoes.expect(invalidation);
    let changed = 0;
    try {
      changed = await em.transactional(async (tx) => {
        const n = await change(tx as Em);
        if (n > 0) await announce(tx as Em, invalidation);
        return n;
      });
    } finally {
      this.evict(invalidation);
      if (changed === 0) echo.cancel();
    }
    if (changed > 0) await echo.wait();
    return changed;
  }

  /** Applies an invalidation heard on the channel (or made here). */
  evict(invalidation: Invalidation): void {
    if (invalidation.kind === 'session') this.cache.evictSession(invalidation.id);
    else this.cache.evictUser(invalidation.id);
  }

  /** A user's live sessions, most recently used first. */
  async listLive(em: Em, userId: string): Promise<Session[]> {
    const now = this.options.clock.now();
    return em.find(
      Session,
      { user: userId, revokedAt: null, idleExpiresAt: { $gt: now }, absoluteExpiresAt: { $gt: now } },
      { orderBy: { lastSeenAt: 'desc', createdAt: 'desc' } },
    );
  }

  /** A fresh EntityManager for work outside a request (express-session store callbacks). */
  forkEm(): Em {
    return this.options.orm.em.fork() as Em;
  }

  idleExpiry(now: Date): Date {
    return new Date(now.getTime() + this.options.idleTtlSec * 1000);
  }

  private async load(sessionId: string): Promise<SessionState | null> {
    if (!/^[0-9a-f-]{36}$/i.test(sessionId)) return null;
    const row = await this.options.orm.em.fork().findOne(Session, sessionId, { populate: ['user'] });
    if (!row) return null;
    const user = row.user.getEntity();
    // A disabled user has no usable session, whoever disabled them and however (disableUser also revokes them
    // all; an operator's `update users set disabled_at = now()` alone is enough too).
    if (user.disabledAt) return null;
    return {
      sessionId: row.id,
      transport: row.transport,
      authTime: row.authTime,
      idleExpiresAt: row.idleExpiresAt,
      absoluteExpiresAt: row.absoluteExpiresAt,
      lastSeenAt: row.lastSeenAt,
      revokedAt: row.revokedAt,
      user: { id: user.id, email: user.email, roles: [...user.roles], createdAt: user.createdAt },
    };
  }
}

export { RevokeReason };
