import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { AuditLog } from '../../audit/audit-log.js';
import { AuthPayload } from '../../auth/auth-payload.js';
import type { CookieSessions } from '../../auth/cookie-transport.js';
import type { DeviceCookie } from '../../auth/device-cookie.js';
import { handDevice } from '../../auth/known-device.js';
import { clientIp, guard } from '../../auth/rate-limit-guard.js';
import { assertCanStartSession, handOver, type SessionHandover } from '../../auth/start-session.js';
import { Auth, Public } from '../../authz/decorators.js';
import { Transport } from '../../authz/transport.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { AuthReason, badUserInput, rateLimited, unauthenticated } from '../../graphql/errors.js';
import type { SessionEventPublisher } from '../../sessions/session-events.js';
import { passkeyLoginOptions } from './assertions.js';
import { loginWithPasskey, type LoginWithPasskeyDeps } from './login-with-passkey.js';
import { listPasskeys, removePasskey, renamePasskey } from './manage-passkeys.js';
import { Passkey } from './passkey.entity.js';
import { passkeyRegistrationOptions, registerPasskey, type RegisterPasskeyResult } from './registration.js';

/** The collaborators of the passkey fields: the relying party, and what a sign-in needs to hand over a session. */
export type PasskeyResolverDeps = LoginWithPasskeyDeps &
  SessionHandover & {
    readonly audit: AuditLog;
    readonly sessionEvents: SessionEventPublisher;
    readonly cookies: CookieSessions;
    readonly deviceCookie: DeviceCookie;
  };

const REGISTRATION_REFUSED: Record<Exclude<RegisterPasskeyResult, { ok: true }>['reason'], string> = {
  NOT_VERIFIED: 'The passkey could not be verified; ask for new options and try again',
  ALREADY_REGISTERED: 'This passkey is already registered',
  TOO_MANY: 'Too many passkeys; remove one first',
  INVALID_NAME: 'Invalid name',
};

/** Passkeys (WebAuthn, DESIGN §6.2): registering and managing the caller's, and signing in with one. */
@Resolver()
export class PasskeyResolver {
  constructor(private readonly deps: PasskeyResolverDeps) {}

  @Auth({ fresh: 600 })
  @Mutation(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create(); answer with registerPasskey.',
  })
  passkeyRegistrationOptions(@Ctx() ctx: GraphQLContext): Promise<object> {
    return passkeyRegistrationOptions(this.deps, ctx.em, ctx.viewer!.user);
  }

  @Auth()
  @Mutation(() => Passkey, {
    nullable: true,
    description:
      'Verifies the RegistrationResponseJSON of navigator.credentials.create() and keeps the passkey.',
  })
  async registerPasskey(
    @Arg('response', () => GraphQLJSONObject) response: object,
    @Arg('name', () => String, { nullable: true }) name: string | null | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Passkey> {
    const { userId, sessionId } = ctx.viewer!;
    const input = { userId, sessionId, response, name, meta: ctx.meta };
    const result = await registerPasskey(this.deps, ctx.em, input);
    if (result.ok) return result.passkey;
    if (result.reason === 'INVALID_NAME') throw badUserInput(result.message, 'name');
    throw badUserInput(REGISTRATION_REFUSED[result.reason], 'response');
  }

  @Auth()
  @Query(() => [Passkey], { nullable: 'itemsAndList', description: "The caller's passkeys, newest first." })
  myPasskeys(@Ctx() ctx: GraphQLContext): Promise<Passkey[]> {
    return listPasskeys(ctx.em, ctx.viewer!.userId);
  }

  @Auth()
  @Mutation(() => Passkey, { nullable: true, description: 'Renames one of your passkeys.' })
  async renamePasskey(
    @Arg('id', () => ID) id: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Passkey> {
    const input = { userId: ctx.viewer!.userId, passkeyId: id, name, meta: ctx.meta };
    const result = await renamePasskey(this.deps, ctx.em, input);
    if (result.ok) return result.passkey;
    if (result.reason === 'INVALID_NAME') throw badUserInput(result.message, 'name');
    throw badUserInput('No such passkey', 'id');
  }

  @Auth({ fresh: 600 })
  @Mutation(() => Boolean, { nullable: true, description: 'Removes one of your passkeys.' })
  async removePasskey(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    const { userId, sessionId } = ctx.viewer!;
    const input = { userId, sessionId, passkeyId: id, meta: ctx.meta };
    if (!(await removePasskey(this.deps, ctx.em, input))) throw badUserInput('No such passkey', 'id');
    return true;
  }

  @Public()
  @Mutation(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'PublicKeyCredentialRequestOptionsJSON for navigator.credentials.get() with a discoverable passkey (no email).',
  })
  async passkeyLoginOptions(@Ctx() ctx: GraphQLContext): Promise<object> {
    // Each call writes a challenge row: counted against the per-IP login limit like an attempt.
    const { deps } = this;
    const allowed = await guard(deps, ctx.em, ctx.meta, () =>
      deps.rateLimits.countLoginFromIp(clientIp(ctx.meta)),
    );
    if (!allowed.ok) throw rateLimited(allowed.retryAfterSec);
    return passkeyLoginOptions(deps, ctx.em);
  }

  @Public()
  @Mutation(() => AuthPayload, {
    nullable: true,
    description:
      'Signs in with the AuthenticationResponseJSON of navigator.credentials.get(); the session has mfa.',
  })
  async loginWithPasskey(
    @Arg('response', () => GraphQLJSONObject) response: object,
    @Arg('transport', () => Transport, { defaultValue: Transport.COOKIE }) transport: Transport,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AuthPayload> {
    assertCanStartSession(this.deps, ctx, transport); // before anything is counted, spent or written
    const result = await loginWithPasskey(this.deps, ctx.em, { response, transport, meta: ctx.meta });
    if (!result.ok) {
      if (result.reason === 'RATE_LIMITED') throw rateLimited(result.retryAfterSec);
      throw unauthenticated(AuthReason.INVALID_CREDENTIALS, 'The passkey could not be verified');
    }
    const payload = await handOver(this.deps, ctx, result.opened);
    const deviceToken = handDevice(this.deps.deviceCookie, ctx.res, result.deviceToken, transport);
    return { ...payload, deviceToken };
  }
}
