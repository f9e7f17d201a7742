import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import type { Transport } from '../authz/transport.js';
import type { User } from '../users/user.entity.js';
import type { Invalidations } from './invalidations.js';
import { RevokeReason, Session } from './session.entity.js';
import { noSessionEvents, SessionEventType, type SessionEventPublisher } from './session-events.js';

export interface SessionLifecycleOptions {
  readonly clock: Clock;
  readonly idleTtlSec: number;
  readonly absoluteTtlSec: number;
  /** Revocations go through it, so every instance's cache hears of them before the caller answers. */
  readonly invalidations: Pick<Invalidations, 'run'>;
  /** Tells the user's live sockets of a new session and of revocations, in the same transaction. */
  readonly events?: SessionEventPublisher;
}

/** The one writer of Session rows: starts, extends and ends sessions. */
export interface SessionLifecycle {
  /** Starts a session for a user who has just proved their password (and, with `mfa`, a second factor). */
  create(
    em: Em,
    input: { user: User; transport: Transport; ip: string | null; userAgent: string | null; mfa?: boolean },
  ): Promise<Session>;
  /**
   * Revokes one session; true when it was live. Takes effect on every instance on its next request. `after` runs
   * in the same transaction, told whether it was live (the audit event commits with the revocation, or neither).
   */
  revoke(
    em: Em,
    sessionId: string,
    reason: RevokeReason,
    options?: { after?: (tx: Em, revoked: boolean) => Promise<unknown> },
  ): Promise<boolean>;
  /**
   * Revokes every live session of a user but `keep`; returns how many. `alongside` runs in the same transaction
   * (a password change: the new hash and the revocations commit together or not at all); `after` too, once the
   * sessions are revoked, told how many (the audit event, and a password change's new session).
   */
  revokeAllOfUser(
    em: Em,
    userId: string,
    reason: RevokeReason,
    options?: {
      keep?: string;
      alongside?: (tx: Em) => Promise<unknown>;
      after?: (tx: Em, revoked: number) => Promise<unknown>;
    },
  ): Promise<number>;
  /**
   * A step-up on a live session: its authTime becomes now (`@auth(fresh:)` passes again) and, with `mfa`, it counts
   * as established with two factors. Announced like a revocation, so every instance sees it before the caller
   * answers; `after` runs in the same transaction (the audit event). True when the session was live.
   */
  reauthenticate(
    em: Em,
    sessionId: string,
    options: { mfa: boolean; after?: (tx: Em) => Promise<unknown> },
  ): Promise<boolean>;
  /** Moves last-seen and the idle expiry of a session loaded in `tx` (a refresh); the caller's flush writes it. */
  extend(tx: Em, session: Session, now: Date): void;
  /** The background last-seen write of a request; resolves to the rows changed (none once revoked). */
  recordActivity(em: Em, sessionId: string, lastSeenAt: Date, idleExpiresAt: Date): Promise<number>;
  /** A user's live sessions, most recently used first. */
  listLive(em: Em, userId: string): Promise<Session[]>;
  idleExpiry(now: Date): Date;
}

export function createSessionLifecycle(options: SessionLifecycleOptions): SessionLifecycle {
  const { clock, idleTtlSec, absoluteTtlSec, invalidations, events = noSessionEvents } = options;
  const idleExpiry = (now: Date) => new Date(now.getTime() + idleTtlSec * 1000);

  return {
    async create(em, input) {
      const now = clock.now();
      const session = em.create(Session, {
        user: input.user,
        transport: input.transport,
        createdAt: now,
        lastSeenAt: now,
        authTime: now,
        mfa: input.mfa ?? false,
        idleExpiresAt: idleExpiry(now),
        absoluteExpiresAt: new Date(now.getTime() + absoluteTtlSec * 1000),
        ip: input.ip,
        userAgent: input.userAgent?.slice(0, 512) ?? null,
      });
      await em.persistAndFlush(session);
      await events.publish(em, input.user.id, {
        type: SessionEventType.SESSION_STARTED,
        sessionId: session.id,
      });
      return session;
    },

    async revoke(em, sessionId, reason, { after } = {}) {
      const changed = await invalidations.run(em, { kind: 'session', id: sessionId }, async (tx) => {
        const n = await tx.nativeUpdate(
          Session,
          { id: sessionId, revokedAt: null },
          { revokedAt: clock.now(), revokedReason: reason },
        );
        if (n > 0) {
          const owner = await tx.findOne(Session, sessionId, { fields: ['user'] });
          if (owner)
            await events.publish(tx, owner.user.id, { type: SessionEventType.SESSION_REVOKED, sessionId });
        }
        await after?.(tx, n > 0);
        return n;
      });
      return changed > 0;
    },

    revokeAllOfUser(em, userId, reason, { keep, alongside, after } = {}) {
      const where = keep
        ? { user: userId, revokedAt: null, id: { $ne: keep } }
        : { user: userId, revokedAt: null };
      return invalidations.run(em, { kind: 'user', id: userId }, async (tx) => {
        await alongside?.(tx);
        const n = await tx.nativeUpdate(Session, where, { revokedAt: clock.now(), revokedReason: reason });
        // A password change is news even when no other session was live: the caller's own devices hear it.
        if (n > 0 || reason === RevokeReason.PASSWORD_CHANGED) {
          const type =
            reason === RevokeReason.PASSWORD_CHANGED
              ? SessionEventType.PASSWORD_CHANGED
              : SessionEventType.SESSION_REVOKED;
          await events.publish(tx, userId, { type, sessionId: null });
        }
        await after?.(tx, n);
        return n;
      });
    },

    async reauthenticate(em, sessionId, { mfa, after }) {
      const changed = await invalidations.run(em, { kind: 'session', id: sessionId }, async (tx) => {
        const n = await tx.nativeUpdate(
          Session,
          { id: sessionId, revokedAt: null },
          mfa ? { authTime: clock.now(), mfa: true } : { authTime: clock.now() },
        );
        if (n > 0) await after?.(tx);
        return n;
      });
      return changed > 0;
    },

    extend(tx, session, now) {
      session.lastSeenAt = now;
      session.idleExpiresAt = idleExpiry(now);
      tx.persist(session);
    },

    recordActivity(em, sessionId, lastSeenAt, idleExpiresAt) {
      return em.nativeUpdate(Session, { id: sessionId, revokedAt: null }, { lastSeenAt, idleExpiresAt });
    },

    listLive(em, userId) {
      const now = clock.now();
      return em.find(
        Session,
        { user: userId, revokedAt: null, idleExpiresAt: { $gt: now }, absoluteExpiresAt: { $gt: now } },
        { orderBy: { lastSeenAt: 'desc', createdAt: 'desc' } },
      );
    },

    idleExpiry,
  };
}
