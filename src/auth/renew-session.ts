import { AuditEventType } from '../audit/audit-event.entity.js';
import type { GraphQLContext } from '../graphql/context.js';
import type { User } from '../users/user.entity.js';
import { startSession } from './start-session.js';

/**
 * Gives the caller a new session after a credential change (its old one has been revoked with the others): a
 * browser gets a new session cookie, a bearer client a new token pair. The mutation's result type is fixed, so
 * the new session is announced in the response's `extensions.session`, in AuthPayload's names (tokens null for
 * a cookie session). OWASP Session Management: renew the session id after any privilege or credential change.
 */
export async function renewSession(
  ctx: GraphQLContext,
  user: User,
  details: Record<string, unknown>,
): Promise<void> {
  const transport = ctx.viewer!.transport;
  const payload = await startSession(ctx, user, transport, AuditEventType.PASSWORD_CHANGED, details);
  ctx.extensions = {
    ...ctx.extensions,
    session: {
      id: payload.session.id,
      transport,
      accessToken: payload.accessToken,
      accessTokenExpiresAt: payload.accessTokenExpiresAt?.toISOString() ?? null,
      refreshToken: payload.refreshToken,
      refreshTokenExpiresAt: payload.refreshTokenExpiresAt?.toISOString() ?? null,
    },
  };
}
