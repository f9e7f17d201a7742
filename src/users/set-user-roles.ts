import { AuditEventType } from '../audit/audit-event.entity.js';
import type { AuditLog } from '../audit/audit-log.js';
import { normalizeRoles, Role } from '../authz/role.js';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import type { Invalidations } from '../sessions/invalidations.js';
import { SessionEventType, type SessionEventPublisher } from '../sessions/session-events.js';
import { wouldRemoveLastAdmin } from './last-admin.js';
import { type Actor, refusable, Refused, type UserChangeResult } from './refusal.js';
import { User } from './user.entity.js';

export interface SetUserRolesDeps {
  readonly invalidations: Pick<Invalidations, 'run'>;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** The user's live sockets hear ROLES_CHANGED when the change commits. */
  readonly sessionEvents?: SessionEventPublisher;
}

/**
 * Replaces a user's roles. The change, its ROLES_CHANGED event and the announcement commit together, and every
 * instance has evicted the user's sessions before this returns: the new roles apply on their very next request.
 * Never leaves the system without an administrator (serialized with every such change: last-admin.ts).
 */
export function setUserRoles(
  deps: SetUserRolesDeps,
  em: Em,
  /** `userId` null: the argument cannot name a user (not an id). */
  input: { readonly userId: string | null; readonly roles: readonly Role[]; readonly actor: Actor },
): Promise<UserChangeResult<User>> {
  const { userId, actor } = input;
  return refusable(async () => {
    const next = normalizeRoles(input.roles);
    if (next.length === 0) throw new Refused('NO_ROLE');
    const user = userId === null ? null : await em.findOne(User, userId);
    if (!user) throw new Refused('NO_SUCH_USER');
    const before = [...user.roles];
    await deps.invalidations.run(em, { kind: 'user', id: user.id }, async (tx) => {
      if (!next.includes(Role.ADMIN) && (await wouldRemoveLastAdmin(tx, user.id)))
        throw new Refused('LAST_ADMIN');
      const n = await tx.nativeUpdate(User, { id: user.id }, { roles: next, updatedAt: deps.clock.now() });
      await deps.audit.record(
        tx,
        {
          type: AuditEventType.ROLES_CHANGED,
          userId: user.id,
          sessionId: actor.sessionId,
          details: { before, after: next, by: actor.userId },
        },
        actor.meta,
      );
      await deps.sessionEvents?.publish(tx, user.id, {
        type: SessionEventType.ROLES_CHANGED,
        sessionId: null,
      });
      return n;
    });
    user.roles = next;
    return user;
  });
}
