import { GraphQLError } from 'graphql';
import { AuditEventType } from '../audit/audit-event.entity.js';
import type { GraphQLContext } from '../graphql/context.js';
import { ErrorCode } from '../graphql/errors.js';
import type { Session } from '../sessions/session.entity.js';
import { Transport } from '../authz/transport.js';
import type { User } from '../users/user.entity.js';
import type { AuthPayload } from './auth-payload.js';
import { viewerOf } from '../authz/viewer.js';

/**
 * Refuses, with BAD_REQUEST, a request on which a session of `transport` cannot be started. Register and login call
 * it first, before the password check, the user, the Session row, the audit row or any counter: a session that
 * cannot reach the client must not be left behind (or audited as a success).
 */
export function assertCanStartSession(ctx: GraphQLContext, transport: Transport): void {
  if (transport !== Transport.COOKIE) return;
  const refusal = ctx.services.cookies.refusal(ctx.req);
  if (refusal) throw new GraphQLError(refusal.message, { extensions: { code: ErrorCode.BAD_REQUEST } });
}

/**
 * Opens a session for a user who has just proved their password (register, login, or a password change, which
 * renews the caller's session), on either transport, and makes the rest of this response speak for it.
 */
export async function startSession(
  ctx: GraphQLContext,
  user: User,
  transport: Transport,
  event: AuditEventType.REGISTERED | AuditEventType.LOGIN_SUCCEEDED | AuditEventType.PASSWORD_CHANGED,
  details: Record<string, unknown> = {},
): Promise<AuthPayload> {
  const { meta, services } = ctx;
  assertCanStartSession(ctx, transport); // the callers asked already; this keeps a new caller from forgetting
  const { session, refreshToken } = await ctx.em.transactional(async (tx) => {
    const created = await services.sessions.create(tx, {
      user,
      transport,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    await services.audit.record(
      tx,
      { type: event, userId: user.id, sessionId: created.id, details: { transport, ...details } },
      meta,
    );
    const token = transport === Transport.BEARER ? await services.refreshTokens.issue(tx, created) : null;
    return { session: created, refreshToken: token };
  });
  // After the commit: the cookie store binds the cookie to the row from its own connection.
  if (refreshToken === null) {
    await services.cookies.establish(ctx.req, ctx.res, session.id);
    becomeViewer(ctx, user, session);
    return {
      user,
      session,
      accessToken: null,
      accessTokenExpiresAt: null,
      refreshToken: null,
      refreshTokenExpiresAt: null,
    };
  }
  return bearerPayload(ctx, user, session, refreshToken);
}

/** Issues an access token for a bearer session and answers with the pair. */
export async function bearerPayload(
  ctx: GraphQLContext,
  user: User,
  session: Session,
  refreshToken: string,
): Promise<AuthPayload> {
  const access = await ctx.services.accessTokens.issue({
    userId: user.id,
    sessionId: session.id,
    roles: user.roles,
  });
  becomeViewer(ctx, user, session);
  return {
    user,
    session,
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    refreshTokenExpiresAt: session.expiresAt,
  };
}

function becomeViewer(ctx: GraphQLContext, user: User, session: Session): void {
  ctx.viewer = viewerOf({
    sessionId: session.id,
    transport: session.transport,
    authTime: session.authTime,
    idleExpiresAt: session.idleExpiresAt,
    absoluteExpiresAt: session.absoluteExpiresAt,
    lastSeenAt: session.lastSeenAt,
    revokedAt: null,
    user: { id: user.id, email: user.email, roles: [...user.roles], createdAt: user.createdAt },
  });
}
