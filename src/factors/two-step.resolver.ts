import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { AuthPayload } from '../auth/auth-payload.js';
import type { DeviceCookie } from '../auth/device-cookie.js';
import { handDevice, presentedDevice } from '../auth/known-device.js';
import { assertCanStartSession, handOver, type SessionHandover } from '../auth/start-session.js';
import { Auth, Public } from '../authz/decorators.js';
import { Transport } from '../authz/transport.js';
import type { GraphQLContext } from '../graphql/context.js';
import { completeLogin, type CompleteLoginDeps } from './complete-login.js';
import { factorRefusal } from './factor-refusals.js';
import { reauthenticate, type ReauthenticateDeps } from './reauthenticate.js';

export type TwoStepResolverDeps = CompleteLoginDeps &
  ReauthenticateDeps &
  SessionHandover & { readonly deviceCookie: DeviceCookie };

/** The second step of a login, and step-up on a signed-in session. */
@Resolver()
export class TwoStepResolver {
  constructor(private readonly deps: TwoStepResolverDeps) {}

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      'Finishes a login that answered SECOND_FACTOR_REQUIRED: its extensions.challenge and one second factor. ' +
      'Answers like login; the session counts as established with two factors (mfa).',
  })
  async completeLogin(
    @Arg('challenge', () => String) challenge: string,
    @Arg('totp', () => String, { nullable: true }) totp: string | null | undefined,
    @Arg('recoveryCode', () => String, { nullable: true }) recoveryCode: string | null | undefined,
    @Arg('passkey', () => GraphQLJSONObject, { nullable: true }) passkey: object | null | undefined,
    @Arg('transport', () => Transport, { defaultValue: Transport.COOKIE }) transport: Transport,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AuthPayload> {
    assertCanStartSession(this.deps, ctx, transport); // before anything is counted or spent
    const input = { challenge, totp, recoveryCode, passkey, transport, meta: ctx.meta };
    const result = await completeLogin(this.deps, ctx.em, input);
    if (!result.ok) throw factorRefusal(result);
    const payload = await handOver(this.deps, ctx, result.opened);
    const deviceToken = handDevice(this.deps.deviceCookie, ctx.res, result.deviceToken, transport);
    return { ...payload, deviceToken };
  }

  @Auth()
  @Mutation(() => Boolean, {
    nullable: true,
    description:
      'Step-up: one proof (password, TOTP code or passkey) renews the freshness @auth(fresh:) checks; ' +
      'a TOTP code or passkey also marks the session mfa.',
  })
  async reauthenticate(
    @Arg('password', () => String, { nullable: true }) password: string | null | undefined,
    @Arg('totp', () => String, { nullable: true }) totp: string | null | undefined,
    @Arg('passkey', () => GraphQLJSONObject, { nullable: true }) passkey: object | null | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    const deviceToken = presentedDevice(this.deps.deviceCookie, ctx.req);
    const input = { viewer: ctx.viewer!, password, totp, passkey, deviceToken, meta: ctx.meta };
    const result = await reauthenticate(this.deps, ctx.em, input);
    if (!result.ok) throw factorRefusal(result);
    return true;
  }
}
