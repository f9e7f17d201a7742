import { GraphQLError } from 'graphql';
import type { GraphQLContext } from '../graphql/context.js';
import { ErrorCode } from '../graphql/errors.js';
import { Transport } from '../authz/transport.js';
import { viewerOf } from '../authz/viewer.js';
import type { Session } from '../sessions/session.entity.js';
import { stateOf } from '../sessions/session-state.js';
import type { User } from '../users/user.entity.js';
import type { AccessTokens } from './access-tokens.js';
import type { CookieSessions } from './cookie-transport.js';
import type { AuthPayload } from './auth-payload.js';
import type { OpenedSession } from './open-session.js';

/** What handing a session to the client needs: its cookie, or its access token. */
export interface SessionHandover {
  readonly cookies: Pick<CookieSessions, 'refusal' | 'establish'>;
  readonly accessTokens: Pick<AccessTokens, 'issue'>;
}

/**
 * Refuses, with BAD_REQUEST, a request on which a session of `transport` cannot be started. Register, login and
 * changePassword call it first, before the password check, the user, the Session row, the audit row or any
 * counter: a session that cannot reach the client must not be left behind (or audited as a success).
 */
export function assertCanStartSession(
  deps: Pick<SessionHandover, 'cookies'>,
  ctx: GraphQLContext,
  transport: Transport,
): void {
  if (transport !== Transport.COOKIE) return;
  const refusal = deps.cookies.refusal(ctx.req);
  if (refusal) throw new GraphQLError(refusal.message, { extensions: { code: ErrorCode.BAD_REQUEST } });
}

/**
 * Hands a session opened (and committed) by a flow to the client, and makes the rest of this response speak for
 * it: a cookie session gets its cookie (the store binds it to the row from its own connection, hence after the
 * commit), a bearer session an access token beside its refresh token.
 */
export async function handOver(
  deps: SessionHandover,
  ctx: GraphQLContext,
  opened: OpenedSession,
): Promise<AuthPayload> {
  const { user, session, refreshToken } = opened;
  if (refreshToken === null) {
    await deps.cookies.establish(ctx.req, ctx.res, session.id);
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
  const access = await deps.accessTokens.issue({ userId: user.id, sessionId: session.id, roles: user.roles });
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
  ctx.viewer = viewerOf(stateOf(session, user));
}
