import { Arg, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import { AuditEventType } from '../audit/audit-event.entity.js';
import { Auth, Public } from '../authz/decorators.js';
import type { GraphQLContext } from '../graphql/context.js';
import { AuthReason, badUserInput, unauthenticated } from '../graphql/errors.js';
import { RevokeReason } from '../sessions/session.entity.js';
import { Transport } from '../sessions/transport.js';
import { createUser } from '../users/user-service.js';
import { User } from '../users/user.entity.js';
import { AuthPayload } from './auth-payload.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { clientIp, guard } from './rate-limit-guard.js';
import { bearerPayload, startSession } from './start-session.js';

/** One message for every credential failure: never say which of email and password was wrong. */
const INVALID_CREDENTIALS = 'Invalid email or password';

@Resolver()
export class AuthResolver {
  @Public()
  @Mutation(() => AuthPayload, { description: 'Creates an account and logs it in.' })
  async register(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Arg('transport', () => Transport, { defaultValue: Transport.COOKIE }) transport: Transport,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AuthPayload> {
    await guard(ctx, () => ctx.services.rateLimits.beforeRegister(clientIp(ctx)));
    const result = await createUser(ctx.em, ctx.services.clock, { email, password });
    if (!result.ok) throw badUserInput(result.message, result.field);
    return startSession(ctx, result.user, transport, AuditEventType.REGISTERED);
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description: 'COOKIE sets an httpOnly session cookie; BEARER returns a token pair.',
  })
  async login(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Arg('transport', () => Transport, { defaultValue: Transport.COOKIE }) transport: Transport,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AuthPayload> {
    const { em, meta, services } = ctx;
    const ip = clientIp(ctx);
    // Each attempt counts, however it is sent (aliases, repeated requests): the check runs per resolver call.
    await guard(ctx, () => services.rateLimits.beforeLogin(email, ip));
    const { user, knownUserId } = await services.credentials(em, email, password);
    if (!user) {
      await services.rateLimits.loginFailed(email, ip);
      await services.audit.record(
        em,
        { type: AuditEventType.LOGIN_FAILED, userId: knownUserId, details: { transport } },
        meta,
      );
      throw unauthenticated(AuthReason.INVALID_CREDENTIALS, INVALID_CREDENTIALS);
    }
    await services.rateLimits.loginSucceeded(email, ip);
    return startSession(ctx, user, transport, AuditEventType.LOGIN_SUCCEEDED);
  }

  @Public()
  @Mutation(() => AuthPayload, { description: 'Spends a refresh token and returns a new pair (rotation).' })
  async refresh(
    @Arg('refreshToken', () => String) refreshToken: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AuthPayload> {
    const { em, meta, services } = ctx;
    const result = await guard(ctx, () =>
      services.refreshTokens.rotate(em, refreshToken, (sessionId) =>
        services.rateLimits.beforeRefresh(sessionId),
      ),
    );
    if (!result.ok) {
      if (result.reason === 'REFRESH_TOKEN_REUSED' && result.session) {
        const { session } = result;
        const revoked = await services.sessions.revoke(em, session.id, RevokeReason.REFRESH_TOKEN_REUSED);
        if (revoked) {
          await services.audit.record(
            em,
            { type: AuditEventType.REFRESH_TOKEN_REUSED, userId: session.user.id, sessionId: session.id },
            meta,
          );
        }
      }
      const message =
        result.reason === 'TOKEN_INVALID' ? 'The refresh token is invalid' : 'Please log in again';
      throw unauthenticated(AuthReason[result.reason], message);
    }
    const { session } = result;
    if (!result.replayed) {
      await services.audit.record(
        em,
        { type: AuditEventType.TOKEN_REFRESHED, userId: session.user.id, sessionId: session.id },
        meta,
      );
    }
    return bearerPayload(ctx, session.user.getEntity(), session, result.refreshToken);
  }

  @Auth()
  @Mutation(() => Boolean, { description: 'Ends the calling session (and clears the cookie).' })
  async logout(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    const viewer = ctx.viewer!;
    await ctx.services.sessions.revoke(ctx.em, viewer.sessionId, RevokeReason.LOGOUT);
    await ctx.services.audit.record(
      ctx.em,
      { type: AuditEventType.LOGOUT, userId: viewer.userId, sessionId: viewer.sessionId },
      ctx.meta,
    );
    if (viewer.transport === Transport.COOKIE) ctx.services.cookies.end(ctx.res);
    ctx.viewer = null;
    return true;
  }

  @Auth()
  @Mutation(() => Int, { description: "Ends every one of the caller's sessions; returns how many." })
  async logoutAll(@Ctx() ctx: GraphQLContext): Promise<number> {
    const viewer = ctx.viewer!;
    const count = await ctx.services.sessions.revokeAllOfUser(ctx.em, viewer.userId, RevokeReason.LOGOUT_ALL);
    await ctx.services.audit.record(
      ctx.em,
      {
        type: AuditEventType.LOGOUT,
        userId: viewer.userId,
        sessionId: viewer.sessionId,
        details: { all: true, count },
      },
      ctx.meta,
    );
    if (viewer.transport === Transport.COOKIE) ctx.services.cookies.end(ctx.res);
    ctx.viewer = null;
    return count;
  }

  @Auth()
  @Mutation(() => Boolean, {
    description: 'Changes the password; every other session of the user is revoked.',
  })
  async changePassword(
    @Arg('currentPassword', () => String) currentPassword: string,
    @Arg('newPassword', () => String) newPassword: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    const { em, meta, services } = ctx;
    const viewer = ctx.viewer!;
    const ip = clientIp(ctx);
    // A stolen session must not become a way to guess the password: the login limits apply here too.
    await guard(ctx, () => services.rateLimits.beforeLogin(viewer.user.email, ip), viewer.userId);
    const { user } = await services.credentials(em, viewer.user.email, currentPassword);
    if (!user || user.id !== viewer.userId) {
      await services.rateLimits.loginFailed(viewer.user.email, ip);
      throw unauthenticated(AuthReason.INVALID_CREDENTIALS, 'The current password is wrong');
    }
    await services.rateLimits.loginSucceeded(viewer.user.email, ip);
    const problem = passwordProblem(newPassword);
    if (problem) throw badUserInput(problem, 'newPassword');
    const passwordHash = await hashPassword(newPassword);
    const revoked = await services.sessions.revokeAllOfUser(em, user.id, RevokeReason.PASSWORD_CHANGED, {
      keep: viewer.sessionId,
      alongside: (tx) =>
        tx.nativeUpdate(User, { id: user.id }, { passwordHash, updatedAt: services.clock.now() }),
    });
    await services.audit.record(
      em,
      {
        type: AuditEventType.PASSWORD_CHANGED,
        userId: user.id,
        sessionId: viewer.sessionId,
        details: { revokedSessions: revoked },
      },
      meta,
    );
    return true;
  }
}
