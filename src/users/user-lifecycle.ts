import { AuditEventType } from '../audit/audit-event.entity.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import type { Invalidations } from '../sessions/invalidations.js';
import { RevokeReason } from '../sessions/session.entity.js';
import type { SessionService } from '../sessions/session-service.js';
import { wouldRemoveLastAdmin } from './last-admin.js';
import { type Actor, refusable, Refused, type UserChangeResult } from './refusal.js';
import { User } from './user.entity.js';

/** What the ADMIN lifecycle operations need. */
export interface UserLifecycleDeps {
  readonly sessions: Pick<SessionService, 'revokeAllOfUser'>;
  readonly invalidations: Pick<Invalidations, 'run'>;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/**
 * Disables a user: they cannot log in, and every one of their sessions is revoked and evicted on every
 * instance before this returns (one transaction with the audit event). Never the last enabled ADMIN.
 */
export function disableUser(
  deps: UserLifecycleDeps,
  em: Em,
  userId: string,
  actor: Actor,
): Promise<UserChangeResult<User>> {
  return refusable(async () => {
    const user = await em.findOne(User, userId);
    if (!user) throw new Refused('NO_SUCH_USER');
    const now = deps.clock.now();
    await deps.sessions.revokeAllOfUser(em, userId, RevokeReason.ADMIN_REVOKED, {
      alongside: async (tx) => {
        if (await wouldRemoveLastAdmin(tx, userId)) throw new Refused('LAST_ADMIN');
        const changed = await tx.nativeUpdate(
          User,
          { id: userId, disabledAt: null },
          { disabledAt: now, updatedAt: now },
        );
        if (changed > 0) await record(deps, tx, AuditEventType.USER_DISABLED, userId, actor);
      },
    });
    user.disabledAt ??= now;
    return user;
  });
}

/** Lets a disabled user log in again. Their old sessions stay revoked. */
export function enableUser(
  deps: UserLifecycleDeps,
  em: Em,
  userId: string,
  actor: Actor,
): Promise<UserChangeResult<User>> {
  return refusable(async () => {
    const user = await em.findOne(User, userId);
    if (!user) throw new Refused('NO_SUCH_USER');
    await em.transactional(async (tx) => {
      const changed = await tx.nativeUpdate(
        User,
        { id: userId, disabledAt: { $ne: null } },
        { disabledAt: null, updatedAt: deps.clock.now() },
      );
      if (changed > 0) await record(deps, tx as Em, AuditEventType.USER_ENABLED, userId, actor);
    });
    user.disabledAt = null;
    return user;
  });
}

/**
 * Deletes a user; their sessions and refresh tokens go with them (foreign keys cascade), and every instance
 * evicts them before this returns. The audit trail keeps the user's id. Never the last enabled ADMIN.
 */
export function deleteUser(
  deps: UserLifecycleDeps,
  em: Em,
  userId: string,
  actor: Actor,
): Promise<UserChangeResult<true>> {
  return refusable(async () => {
    const deleted = await deps.invalidations.run(em, { kind: 'user', id: userId }, async (tx) => {
      if (await wouldRemoveLastAdmin(tx, userId)) throw new Refused('LAST_ADMIN');
      const n = await tx.nativeDelete(User, { id: userId });
      if (n > 0) await record(deps, tx, AuditEventType.USER_DELETED, userId, actor);
      return n;
    });
    if (deleted === 0) throw new Refused('NO_SUCH_USER');
    return true as const;
  });
}

function record(
  deps: Pick<UserLifecycleDeps, 'audit'>,
  tx: Em,
  type: AuditEventType,
  userId: string,
  actor: Actor,
): Promise<void> {
  return deps.audit.record(
    tx,
    { type, userId, sessionId: actor.sessionId, details: { by: actor.userId } },
    actor.meta,
  );
}
