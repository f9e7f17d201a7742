import { Arg, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import { Auth, Public } from '../authz/decorators.js';
import { Transport } from '../authz/transport.js';
import type { GraphQLContext } from '../graphql/context.js';
import { leaveSession } from '../sessions/end-session.js';
import { AuthPayload } from './auth-payload.js';
import { changePassword, type ChangePasswordDeps } from './change-password.js';
import type { CookieSessions } from './cookie-transport.js';
import type { DeviceCookie } from './device-cookie.js';
import { handDevice, presentedDevice } from './known-device.js';
import { login, type LoginDeps } from './login.js';
import { logout, logoutAll } from './logout.js';
import { refresh, type RefreshDeps } from './refresh.js';
import { authRefusal } from './refusals.js';
import { register, type RegisterDeps } from './register.js';
import { announceRenewal } from './renew-session.js';
import { assertCanStartSession, handOver, type SessionHandover } from './start-session.js';
import type { OpenedSession } from './open-session.js';

/** verify-first register's one answer, for a new and a taken address alike: no user, no session, no token. */
const PENDING_VERIFICATION = {
  user: null,
  session: null,
  accessToken: null,
  accessTokenExpiresAt: null,
  refreshToken: null,
  refreshTokenExpiresAt: null,
  deviceToken: null,
  emailVerificationPending: true,
} as unknown as AuthPayload;

/** The collaborators of the auth mutations: their flows', and the request side of a session (cookie, tokens). */
export type AuthResolverDeps = LoginDeps &
  RegisterDeps &
  RefreshDeps &
  ChangePasswordDeps &
  SessionHandover & { readonly cookies: CookieSessions; readonly deviceCookie: DeviceCookie };

/** Register, login, refresh, logout and changePassword: each maps its arguments to a flow and its result back. */
@Resolver()
export class AuthResolver {
  constructor(private readonly deps: AuthResolverDeps) {}

  @Public()
  @Mutation(() => AuthPayload, { description: 'Creates an account and logs it in.' })
  async register(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Arg('transport', () => Transport, { defaultValue: Transport.COOKIE }) transport: Transport,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AuthPayload> {
    assertCanStartSession(this.deps, ctx, transport); // before anything is counted or written
    const result = await register(this.deps, ctx.em, { email, password, transport, meta: ctx.meta });
    if (!result.ok) throw authRefusal(result);
    if (result.opened === null) return PENDING_VERIFICATION;
    return this.signedIn(ctx, result.opened, result.deviceToken);
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
    assertCanStartSession(this.deps, ctx, transport); // before the password check, any counter or any row
    const presented = presentedDevice(this.deps.deviceCookie, ctx.req, deviceToken);
    const input = { email, password, transport, deviceToken: presented, meta: ctx.meta };
    const result = await login(this.deps, ctx.em, input);
    if (!result.ok) throw authRefusal(result);
    return this.signedIn(ctx, result.opened, result.deviceToken);
  }

  @Public()
  @Mutation(() => AuthPayload, { description: 'Spends a refresh token and returns a new pair (rotation).' })
  async refresh(
    @Arg('refreshToken', () => String) refreshToken: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AuthPayload> {
    const result = await refresh(this.deps, ctx.em, { refreshToken, meta: ctx.meta });
    if (!result.ok) throw authRefusal(result);
    return handOver(this.deps, ctx, result);
  }

  @Auth()
  @Mutation(() => Boolean, {
    nullable: true,
    description: 'Ends the calling session (and clears the cookie).',
  })
  async logout(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    await logout(this.deps, ctx.em, ctx.viewer!, ctx.meta);
    leaveSession(this.deps.cookies, ctx);
    return true;
  }

  @Auth()
  @Mutation(() => Int, {
    nullable: true,
    description: "Ends every one of the caller's sessions; returns how many.",
  })
  async logoutAll(@Ctx() ctx: GraphQLContext): Promise<number> {
    const count = await logoutAll(this.deps, ctx.em, ctx.viewer!, ctx.meta);
    leaveSession(this.deps.cookies, ctx);
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
    const viewer = ctx.viewer!;
    // The caller's session is renewed after the change: refuse now, not after every session has been revoked.
    assertCanStartSession(this.deps, ctx, viewer.transport);
    const deviceToken = presentedDevice(this.deps.deviceCookie, ctx.req);
    const input = { viewer, currentPassword, newPassword, deviceToken, meta: ctx.meta };
    const result = await changePassword(this.deps, ctx.em, input);
    if (!result.ok) throw authRefusal(result);
    announceRenewal(ctx, await handOver(this.deps, ctx, result.opened));
    return true;
  }

  /** Hands a new session to the client, and makes it a known device of the account. */
  private async signedIn(
    ctx: GraphQLContext,
    opened: OpenedSession,
    deviceToken: string,
  ): Promise<AuthPayload> {
    const payload = await handOver(this.deps, ctx, opened);
    const transport = opened.session.transport;
    return { ...payload, deviceToken: handDevice(this.deps.deviceCookie, ctx.res, deviceToken, transport) };
  }
}
