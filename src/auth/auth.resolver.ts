import { Arg, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import { AuditEventType } from '../audit/audit-event.entity.js';
import { Auth, Public } from '../authz/decorators.js';
import type { GraphQLContext } from '../graphql/context.js';
import { AuthReason, badUserInput, unauthenticated } from '../graphql/errors.js';
import { RevokeReason } from '../sessions/session.entity.js';
import { Transport } from '../authz/transport.js';
import { createUser } from '../users/user-service.js';
import { User } from '../users/user.entity.js';
import { AuthPayload } from './auth-payload.js';
import { hashPassword, passwordProblem } from '../users/passwords.js';
import { knownDevice, rememberDevice } from './known-device.js';
import { clientIp, guard } from './rate-limit-guard.js';
import { renewSession } from './renew-session.js';
import { assertCanStartSession, bearerPayload, startSession } from './start-session.js';

/** One message for every credential failure: never say which of email and password was wrong. */
const INVALID_CREDENTIALS = 'Invalid email or password';

/**
 * The answer to registering a taken email. Registration logs in at once, so refusing is itself unavoidable; the
 * answer still does not single out the email or say an account exists, and it costs the same argon2 hash as a
 * success (createUser), so neither the words nor the time tell more than the refusal does.
 */
const REGISTRATION_FAILED = 'Registration could not be completed with these details';

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
    assertCanStartSession(ctx, transport); // before anything is counted or written
    await guard(ctx, () => ctx.services.rateLimits.beforeRegister(clientIp(ctx)));
    const result = await createUser(ctx.em, ctx.services.clock, { email, password });
    if (!result.ok) {
      // A taken email, or a lost race for one, names no field and no account (see REGISTRATION_FAILED).
      if (result.reason === 'TAKEN') throw badUserInput(REGISTRATION_FAILED);
      throw badUserInput(result.message, result.field);
    }
    const payload = await startSession(ctx, result.user, transport, AuditEventType.REGISTERED);
    return { ...payload, deviceToken: rememberDevice(ctx, result.user.email, transport) };
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description: 'COOKIE sets an httpOnly session cookie; BEARER returns a token pair.',
  })
  async login(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Arg('transport', () => Transport, { defaultValue: Transport.COOKIE }) transport: Transport,
    @Arg('deviceToken', () => String, {
      nullable: true,
      description: "BEARER clients: the deviceToken of this account's last login from this client.",
    })
    deviceToken: string | null | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AuthPayload> {
    assertCanStartSession(ctx, transport); // before the password check, any counter or any row
    const { em, meta, services } = ctx;
    // Each attempt counts, however it is sent (aliases, repeated or concurrent requests): it is reserved, as a
    // failure, before the password is checked, and refunded only when the password is right.
    const device = knownDevice(ctx, email, deviceToken);
    const attempt = await guard(ctx, () =>
      services.rateLimits.reserveLoginAttempt({ email, ip: clientIp(ctx), device }),
    );
    const { user, knownUserId } = await services.credentials(em, email, password);
    if (!user) {
      await attempt.failed();
      await services.audit.record(
        em,
        { type: AuditEventType.LOGIN_FAILED, userId: knownUserId, details: { transport } },
        meta,
      );
      throw unauthenticated(AuthReason.INVALID_CREDENTIALS, INVALID_CREDENTIALS);
    }
    await attempt.succeeded();
    const payload = await startSession(ctx, user, transport, AuditEventType.LOGIN_SUCCEEDED);
    return { ...payload, deviceToken: rememberDevice(ctx, email, transport) };
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
  @Mutation(() => Boolean, {
    nullable: true,
    description: 'Ends the calling session (and clears the cookie).',
  })
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
  @Mutation(() => Int, {
    nullable: true,
    description: "Ends every one of the caller's sessions; returns how many.",
  })
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
    nullable: true,
    description:
      'Changes the password; every session of the user ends and the caller gets a new one (a new cookie, or a new token pair in extensions.session).',
  })
  async changePassword(
    @Arg('currentPassword', () => String) currentPassword: string,
    @Arg('newPassword', () => String) newPassword: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    const { em, services } = ctx;
    const viewer = ctx.viewer!;
    const email = viewer.user.email;
    // The caller's session is renewed after the change: refuse now, not after every session has been revoked.
    assertCanStartSession(ctx, viewer.transport);
    // A stolen session must not become a way to guess the password: the login limits apply here too.
    const device = knownDevice(ctx, email);
    const attempt = await guard(
      ctx,
      () => services.rateLimits.reserveLoginAttempt({ email, ip: clientIp(ctx), device }),
      viewer.userId,
    );
    const { user } = await services.credentials(em, email, currentPassword);
    if (!user || user.id !== viewer.userId) {
      await attempt.failed();
      throw unauthenticated(AuthReason.INVALID_CREDENTIALS, 'The current password is wrong');
    }
    await attempt.succeeded();
    const problem = passwordProblem(newPassword);
    if (problem) throw badUserInput(problem, 'newPassword');
    const passwordHash = await hashPassword(newPassword);
    // Every session ends, the caller's own too: it is renewed below, so whoever else held its cookie or tokens
    // is out with the old password. The new hash and the revocations commit together.
    const revoked = await services.sessions.revokeAllOfUser(em, user.id, RevokeReason.PASSWORD_CHANGED, {
      alongside: (tx) =>
        tx.nativeUpdate(User, { id: user.id }, { passwordHash, updatedAt: services.clock.now() }),
    });
    await renewSession(ctx, user, { revokedSessions: revoked, replacedSessionId: viewer.sessionId });
    return true;
  }
}
