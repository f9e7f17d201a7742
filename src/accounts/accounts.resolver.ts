import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { DeviceCookie } from '../auth/device-cookie.js';
import { presentedDevice } from '../auth/known-device.js';
import { Auth, Public } from '../authz/decorators.js';
import type { GraphQLContext } from '../graphql/context.js';
import { answer } from './account-refusal.js';
import { confirmEmailChange, type ConfirmEmailChangeDeps } from './confirm-email-change.js';
import { requestEmailChange, type RequestEmailChangeDeps } from './request-email-change.js';
import { requestEmailVerification, type RequestEmailVerificationDeps } from './request-email-verification.js';
import type { PasswordResetRequests } from './request-password-reset.js';
import { resetPassword, type ResetPasswordDeps } from './reset-password.js';
import { verifyEmail, type VerifyEmailDeps } from './verify-email.js';

export type AccountsResolverDeps = VerifyEmailDeps &
  RequestEmailVerificationDeps &
  ResetPasswordDeps &
  RequestEmailChangeDeps &
  ConfirmEmailChangeDeps & {
    readonly resetRequests: Pick<PasswordResetRequests, 'request'>;
    readonly deviceCookie: Pick<DeviceCookie, 'read'>;
  };

/** The account lifecycle (DESIGN §6.1): mailed links that verify an address, reset a password, change an address. */
@Resolver()
export class AccountsResolver {
  constructor(private readonly deps: AccountsResolverDeps) {}

  @Auth()
  @Mutation(() => Boolean, {
    nullable: true,
    description:
      "(Re)sends a verification link to the caller's address; true, without mail, once it is verified.",
  })
  async requestEmailVerification(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    const input = { userId: ctx.viewer!.userId, meta: ctx.meta };
    return answer(await requestEmailVerification(this.deps, ctx.em, input));
  }

  @Public()
  @Mutation(() => Boolean, {
    description: 'Follows a verification link: the address is verified. Single use.',
  })
  async verifyEmail(@Arg('token', () => String) token: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return answer(await verifyEmail(this.deps, ctx.em, { token, meta: ctx.meta }));
  }

  @Public()
  @Mutation(() => Boolean, {
    description:
      'Mails a password-reset link if the address has an account. Always true, in the same time, whether it has one or not.',
  })
  async requestPasswordReset(
    @Arg('email', () => String) email: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    return answer(await this.deps.resetRequests.request(ctx.em, { email, meta: ctx.meta }));
  }

  @Public()
  @Mutation(() => Boolean, {
    description:
      'Sets a new password from a reset link. Every session of the user ends; nobody is logged in. Single use.',
  })
  async resetPassword(
    @Arg('token', () => String) token: string,
    @Arg('newPassword', () => String) newPassword: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    return answer(await resetPassword(this.deps, ctx.em, { token, newPassword, meta: ctx.meta }));
  }

  @Auth()
  @Mutation(() => Boolean, {
    nullable: true,
    description: 'Mails a confirmation link to the new address and a notice to the current one.',
  })
  async requestEmailChange(
    @Arg('newEmail', () => String) newEmail: string,
    @Arg('currentPassword', () => String) currentPassword: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    const deviceToken = presentedDevice(this.deps.deviceCookie, ctx.req);
    const input = { viewer: ctx.viewer!, newEmail, currentPassword, deviceToken, meta: ctx.meta };
    return answer(await requestEmailChange(this.deps, ctx.em, input));
  }

  @Public()
  @Mutation(() => Boolean, {
    description: "Follows an email-change link: the account's address changes. Single use.",
  })
  async confirmEmailChange(
    @Arg('token', () => String) token: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    return answer(await confirmEmailChange(this.deps, ctx.em, { token, meta: ctx.meta }));
  }
}
