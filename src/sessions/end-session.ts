import { AuditEventType } from '../audit/audit-event.entity.js';
import type { AuditInput, AuditLog, RequestMeta } from '../audit/audit-log.js';
import { auditDenial } from '../audit/audit-denial.js';
import { hasAnyRole, Role } from '../authz/role.js';
import { Transport } from '../authz/transport.js';
import type { Viewer } from '../authz/viewer.js';
import type { Em } from '../db/types.js';
import type { GraphQLContext } from '../graphql/context.js';
import { User } from '../users/user.entity.js';
import { RevokeReason, Session } from './session.entity.js';
import type { SessionService } from './session-service.js';

export interface EndSessionDeps {
  readonly sessions: Pick<SessionService, 'revoke' | 'revokeAllOfUser'>;
  readonly audit: AuditLog;
}

/** One session, or every session of a user. */
export type Ending =
  | { readonly sessionId: string; readonly reason: RevokeReason }
  | { readonly userId: string; readonly reason: RevokeReason };

/**
 * Ends sessions and records why, in one transaction (logout, logoutAll, revokeSession, revokeUserSessions, the
 * response to a stolen refresh token): `event` is told how many ended and returns the audit event to record, or
 * null for none. Nothing is revoked-but-unaudited. Returns how many ended.
 */
export async function endSession(
  deps: EndSessionDeps,
  em: Em,
  ending: Ending,
  event: (ended: number) => AuditInput | null,
  meta: RequestMeta,
): Promise<number> {
  const record = async (tx: Em, ended: number) => {
    const input = event(ended);
    if (input) await deps.audit.record(tx, input, meta);
  };
  if ('sessionId' in ending) {
    const revoked = await deps.sessions.revoke(em, ending.sessionId, ending.reason, {
      after: (tx, live) => record(tx, live ? 1 : 0),
    });
    return revoked ? 1 : 0;
  }
  return deps.sessions.revokeAllOfUser(em, ending.userId, ending.reason, { after: record });
}

/**
 * The request's side of ending the caller's own session: a browser's cookie is cleared, and the rest of the
 * response speaks for nobody.
 */
export function leaveSession(cookies: { end(res: GraphQLContext['res']): void }, ctx: GraphQLContext): void {
  if (ctx.viewer?.transport === Transport.COOKIE) cookies.end(ctx.res);
  ctx.viewer = null;
}

export type RevokeSessionResult =
  | { readonly ok: true; readonly revoked: boolean }
  | { readonly ok: false; readonly reason: 'NO_SUCH_SESSION' | 'NOT_OWNER' };

/**
 * Revokes one of the caller's sessions (an ADMIN: anyone's); `revoked` is false when it had already ended. To
 * anyone else, an unknown id and another user's session get the same answer (NOT_OWNER): it must not say which
 * session ids exist. Only the real attempt on someone's session is audited, as a denial.
 */
export async function revokeSession(
  deps: EndSessionDeps,
  em: Em,
  input: { readonly viewer: Viewer; readonly sessionId: string; readonly meta: RequestMeta },
): Promise<RevokeSessionResult> {
  const { viewer, sessionId, meta } = input;
  const session = await em.findOne(Session, sessionId);
  const admin = hasAnyRole(viewer.roles, [Role.ADMIN]);
  if (!session && admin) return { ok: false, reason: 'NO_SUCH_SESSION' };
  if (!session || (session.user.id !== viewer.userId && !admin)) {
    if (session) {
      auditDenial({ audit: deps.audit, em: em.fork() }, viewer, meta, 'Mutation.revokeSession', 'NOT_OWNER');
    }
    return { ok: false, reason: 'NOT_OWNER' };
  }
  const owner = session.user.id;
  const reason = owner === viewer.userId ? RevokeReason.REVOKED : RevokeReason.ADMIN_REVOKED;
  const ended = await endSession(
    deps,
    em,
    { sessionId, reason },
    (revoked) =>
      revoked
        ? { type: AuditEventType.SESSION_REVOKED, userId: owner, sessionId, details: { by: viewer.userId } }
        : null,
    meta,
  );
  return { ok: true, revoked: ended > 0 };
}

/** An ADMIN revokes every session of a user: how many, or NO_SUCH_USER. */
export async function revokeUserSessions(
  deps: EndSessionDeps,
  em: Em,
  input: { readonly userId: string; readonly by: string; readonly meta: RequestMeta },
): Promise<
  { readonly ok: true; readonly count: number } | { readonly ok: false; readonly reason: 'NO_SUCH_USER' }
> {
  const { userId, by, meta } = input;
  if (!(await em.count(User, { id: userId }))) return { ok: false, reason: 'NO_SUCH_USER' };
  const count = await endSession(
    deps,
    em,
    { userId, reason: RevokeReason.ADMIN_REVOKED },
    (ended) => ({ type: AuditEventType.SESSION_REVOKED, userId, details: { all: true, count: ended, by } }),
    meta,
  );
  return { ok: true, count };
}
