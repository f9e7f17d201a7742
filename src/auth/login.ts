import { AuditEventType } from '../audit/audit-event.entity.js';
import type { RequestMeta } from '../audit/audit-log.js';
import type { Transport } from '../authz/transport.js';
import type { Em } from '../db/types.js';
import { attemptPassword, type PasswordAttemptDeps } from './attempt-password.js';
import { openSession, type OpenedSession, type OpenSessionDeps } from './open-session.js';
import type { RateLimitedResult } from './rate-limit-guard.js';
import type { RegistrationMail } from './register.js';

/**
 * The second step of a login, for an account with a second factor (implemented in src/factors/): without it, a
 * right password opens the session at once.
 */
export interface LoginSecondStep {
  /** The factors the user can complete a login with (e.g. TOTP, RECOVERY_CODE, PASSKEY); empty: none needed. */
  factorsOf(em: Em, userId: string): Promise<readonly string[]>;
  /**
   * An opaque single-use challenge for completeLogin, bound to the user, the transport asked for and the known
   * device (if any) this attempt was counted as, so the second step is counted on the same limits.
   */
  challenge(
    em: Em,
    input: { readonly userId: string; readonly transport: Transport; readonly device: string | null },
  ): Promise<string>;
}

export type LoginDeps = PasswordAttemptDeps &
  OpenSessionDeps & {
    /** REGISTRATION=verify-first: an account whose address is not verified cannot log in yet. */
    readonly registration: 'open' | 'verify-first';
    readonly registrationMail: Pick<RegistrationMail, 'unverifiedLogin'>;
    readonly secondStep: LoginSecondStep;
  };

export type LoginResult =
  | {
      readonly ok: true;
      readonly opened: OpenedSession;
      /** A fresh device token: this client is now a known device of the account. */
      readonly deviceToken: string;
    }
  | { readonly ok: false; readonly reason: 'INVALID_CREDENTIALS' }
  /** The password was right but the account has a second factor: no session yet, completeLogin opens it. */
  | {
      readonly ok: false;
      readonly reason: 'SECOND_FACTOR_REQUIRED';
      readonly challenge: string;
      readonly factors: readonly string[];
    }
  /** The password was right, but in verify-first mode the address must be verified first. */
  | { readonly ok: false; readonly reason: 'EMAIL_NOT_VERIFIED' }
  | RateLimitedResult;

/** Logs in with an email and password: a new session of `transport`, or why not. */
export async function login(
  deps: LoginDeps,
  em: Em,
  input: {
    readonly email: string;
    readonly password: string;
    readonly transport: Transport;
    readonly deviceToken: string | null;
    readonly meta: RequestMeta;
  },
): Promise<LoginResult> {
  const { email, transport, meta } = input;
  let factors: readonly string[] = [];
  const attempt = await attemptPassword(deps, em, {
    email,
    password: input.password,
    meta,
    deviceToken: input.deviceToken,
    auditFailureAs: transport,
    needsSecondStep: async (user) => (factors = await deps.secondStep.factorsOf(em, user.id)).length > 0,
  });
  if (!attempt.ok) return attempt;
  // Only after the password: the refusal says the account exists, which only its owner may learn.
  if (deps.registration === 'verify-first' && !attempt.user.emailVerifiedAt) {
    await deps.registrationMail.unverifiedLogin(em, attempt.user, meta);
    return { ok: false, reason: 'EMAIL_NOT_VERIFIED' };
  }
  if (factors.length > 0) {
    const device = deps.deviceTokens.verify(input.deviceToken, email);
    const challenge = await deps.secondStep.challenge(em, { userId: attempt.user.id, transport, device });
    return { ok: false, reason: 'SECOND_FACTOR_REQUIRED', challenge, factors };
  }
  const opened = await em.transactional((tx) =>
    openSession(deps, tx as Em, {
      user: attempt.user,
      transport,
      meta,
      event: AuditEventType.LOGIN_SUCCEEDED,
    }),
  );
  return { ok: true, opened, deviceToken: deps.deviceTokens.issue(email) };
}
