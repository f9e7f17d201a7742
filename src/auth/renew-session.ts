import type { GraphQLContext } from '../graphql/context.js';
import type { AuthPayload } from './auth-payload.js';

/**
 * Announces the caller's new session after a credential change (its old one was revoked with the others): the
 * mutation's result type is fixed, so the session goes in the response's `extensions.session`, in AuthPayload's
 * names (tokens null for a cookie session, whose new cookie is already set). OWASP Session Management: renew the
 * session id after any privilege or credential change.
 */
export function announceRenewal(ctx: GraphQLContext, payload: AuthPayload): void {
  ctx.extensions = {
    ...ctx.extensions,
    session: {
      id: payload.session.id,
      transport: payload.session.transport,
      accessToken: payload.accessToken,
      accessTokenExpiresAt: payload.accessTokenExpiresAt?.toISOString() ?? null,
      refreshToken: payload.refreshToken,
      refreshTokenExpiresAt: payload.refreshTokenExpiresAt?.toISOString() ?? null,
    },
  };
}
