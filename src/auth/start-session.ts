import { AuditEventType } from '../audit/audit-event.entity.js';
import type { GraphQLContext } from '../graphql/context.js';
import type { Session } from '../sessions/session.entity.js';
import { Transport } from '../sessions/transport.js';
import type { User } from '../users/user.entity.js';
import type { AuthPayload } from './auth-payload.js';
import { viewerOf } from './viewer.js';

/**
 * Opens a session for a user who has just proved their password (register or login), on either transport, and
 * makes the rest of this response speak for it.
 */
export async function startSession(
  ctx: GraphQLContext,
  user: User,
  transport: Transport,
  event: AuditEventType.REGISTERED | AuditEventType.LOGIN_SUCCEEDED,
): Promise<AuthPayload> {
  const { meta, services } = ctx;
  const { session, refreshToken } = await ctx.em.transactional(async (tx) => {
    const created = await services.sessions.create(tx, {
      user,
      transport,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    await services.audit.record(
      tx,
      { type: event, userId: user.id, sessionId: created.id, details: { transport } },
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
