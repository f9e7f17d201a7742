import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { presentedDevice } from '../auth/known-device.js';
import type { DeviceCookie } from '../auth/device-cookie.js';
import { Auth } from '../authz/decorators.js';
import { Role } from '../authz/role.js';
import type { GraphQLContext } from '../graphql/context.js';
import { badUserInput } from '../graphql/errors.js';
import { isUuid } from '../graphql/ids.js';
import { Factor } from './factor.js';
import { factorRefusal } from './factor-refusals.js';
import { regenerateRecoveryCodes } from './recovery-codes/regenerate-recovery-codes.js';
import type { RecoveryCodes } from './recovery-codes/recovery-codes.js';
import { resetFactors } from './reset-factors.js';
import type { PasskeyFactor } from './passkeys/passkey-factor.js';
import type { SecondFactors } from './second-factors.js';
import {
  confirmTotpEnrollment,
  disableTotp,
  startTotpEnrollment,
  type ManageTotpDeps,
} from './totp/manage-totp.js';

@ObjectType('TotpEnrollment', {
  description: 'A pending TOTP secret: put it in an authenticator app, then confirm with a code.',
})
export class TotpEnrollment {
  @Field(() => String, { description: 'Base32, for typing in by hand.' })
  secret!: string;

  @Field(() => String, { description: 'otpauth://totp/… for a QR code.' })
  otpauthUrl!: string;
}

export type FactorsResolverDeps = ManageTotpDeps & {
  readonly passkeyFactor: PasskeyFactor;
  readonly recoveryCodes: RecoveryCodes;
  readonly secondFactors: SecondFactors;
  readonly deviceCookie: DeviceCookie;
};

/** The caller's second factors (TOTP, recovery codes), and an ADMIN's reset of a user's factors. */
@Resolver()
export class FactorsResolver {
  constructor(private readonly deps: FactorsResolverDeps) {}

  @Auth()
  @Query(() => [Factor], { nullable: true, description: 'The ways the caller can prove who they are.' })
  async myFactors(@Ctx() ctx: GraphQLContext): Promise<Factor[]> {
    return [Factor.PASSWORD, ...(await this.deps.secondFactors.factorsOf(ctx.em, ctx.viewer!.userId))];
  }

  @Auth()
  @Query(() => Int, { nullable: true, description: "How many of the caller's recovery codes are unused." })
  recoveryCodesRemaining(@Ctx() ctx: GraphQLContext): Promise<number> {
    return this.deps.recoveryCodes.remaining(ctx.em, ctx.viewer!.userId);
  }

  @Auth({ fresh: 600 })
  @Mutation(() => TotpEnrollment, {
    nullable: true,
    description: 'A new TOTP secret, not active until confirmTotpEnrollment. Refused while TOTP is on.',
  })
  async startTotpEnrollment(@Ctx() ctx: GraphQLContext): Promise<TotpEnrollment> {
    const started = await startTotpEnrollment(this.deps, ctx.em, { viewer: ctx.viewer!, meta: ctx.meta });
    if (!started) throw badUserInput('TOTP is already enabled; disable it first');
    return started;
  }

  @Auth()
  @Mutation(() => [String], {
    nullable: true,
    description: 'Activates TOTP with a first code; returns 10 recovery codes, shown only this once.',
  })
  async confirmTotpEnrollment(
    @Arg('code', () => String) code: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<string[]> {
    const codes = await confirmTotpEnrollment(this.deps, ctx.em, {
      viewer: ctx.viewer!,
      meta: ctx.meta,
      code,
    });
    if (!codes) throw badUserInput('Wrong code, or no TOTP enrolment started', 'code');
    return codes;
  }

  @Auth({ fresh: 600 })
  @Mutation(() => Boolean, { nullable: true, description: 'Turns TOTP off, with a current code.' })
  async disableTotp(@Arg('code', () => String) code: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    const deviceToken = presentedDevice(this.deps.deviceCookie, ctx.req);
    const input = { viewer: ctx.viewer!, meta: ctx.meta, code, deviceToken };
    const result = await disableTotp(this.deps, ctx.em, input);
    if (!result.ok) throw factorRefusal('reason' in result ? result : { reason: 'INVALID_CREDENTIALS' });
    return true;
  }

  @Auth({ fresh: 600 })
  @Mutation(() => [String], {
    nullable: true,
    description: 'Replaces every recovery code with 10 new ones, shown only this once.',
  })
  async regenerateRecoveryCodes(@Ctx() ctx: GraphQLContext): Promise<string[]> {
    const codes = await regenerateRecoveryCodes(this.deps, ctx.em, { viewer: ctx.viewer!, meta: ctx.meta });
    if (!codes) throw badUserInput('No second factor to back up: enable TOTP or add a passkey first');
    return codes;
  }

  @Auth({ requires: [Role.ADMIN], fresh: 900 })
  @Mutation(() => Boolean, {
    nullable: true,
    description: "ADMIN: removes a user's TOTP, recovery codes and passkeys (a user who lost them all).",
  })
  async resetFactors(@Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    const input = { admin: ctx.viewer!, userId, meta: ctx.meta };
    if (!isUuid(userId) || !(await resetFactors(this.deps, ctx.em, input))) {
      throw badUserInput('No such user', 'userId');
    }
    return true;
  }
}
