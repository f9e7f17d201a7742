import { AuditEventType } from '../audit/audit-event.entity.js';
import type { AuditLog, RequestMeta } from '../audit/audit-log.js';
import type { Transport } from '../authz/transport.js';
import type { Em } from '../db/types.js';
import type { User } from '../users/user.entity.js';
import type { CredentialCheck } from './credentials.js';
import type { DeviceTokens } from './device-tokens.js';
import { clientIp, guard, type RateLimitedResult } from './rate-limit-guard.js';
import type { RateLimits } from './rate-limits.js';

export interface PasswordAttemptDeps {
  readonly rateLimits: RateLimits;
  readonly credentials: CredentialCheck;
  readonly deviceTokens: DeviceTokens;
  readonly audit: AuditLog;
}

export interface PasswordAttemptInput {
  readonly email: string;
  readonly password: string;
  readonly meta: RequestMeta;
  /** The device token the client presented (argument or device cookie), unverified; null or absent for none. */
  readonly deviceToken?: string | null;
  /**
   * The account whose password this must be (a signed-in caller proving theirs again): another account's password
   * is a failure, and a rate-limit refusal is recorded against it.
   */
  readonly userId?: string;
  /** Records LOGIN_FAILED for a wrong password, with this transport (a login; not a caller's own re-check). */
  readonly auditFailureAs?: Transport;
  /**
   * Asked once the password is right: true when the account needs a second step (a second factor). The reserved
   * failure then stays counted, and the second step settles it (`LoginAttempt.succeeded(2)`): otherwise a right
   * password would reset the very counters that bound guesses at the second factor.
   */
  readonly needsSecondStep?: (user: User) => Promise<boolean>;
}

export type PasswordAttempt =
  | { readonly ok: true; readonly user: User }
  | { readonly ok: false; readonly reason: 'INVALID_CREDENTIALS' }
  | RateLimitedResult;

/**
 * One password check, guarded and counted (login, changePassword, and any later step that asks for the password).
 * Each attempt counts, however it is sent (aliases, repeated or concurrent requests): it is reserved, as a failure,
 * before the password is checked, and refunded only when the password is right.
 */
export async function attemptPassword(
  deps: PasswordAttemptDeps,
  em: Em,
  input: PasswordAttemptInput,
): Promise<PasswordAttempt> {
  const { email, meta } = input;
  const device = deps.deviceTokens.verify(input.deviceToken, email);
  const reserved = await guard(
    deps,
    em,
    meta,
    () => deps.rateLimits.reserveLoginAttempt({ email, ip: clientIp(meta), device }),
    input.userId ?? null,
  );
  if (!reserved.ok) return reserved;
  // Too many password checks already waiting (passwords.ts): refused like a rate limit, and audited as one. The
  // reserved failure is kept, not refunded: a refund resets the counters, which a flood must not be able to buy.
  const checked = await guard(
    deps,
    em,
    meta,
    () => deps.credentials(em, email, input.password),
    input.userId,
  );
  if (!checked.ok) return checked;
  const { user, knownUserId } = checked.value;
  if (!user || (input.userId !== undefined && user.id !== input.userId)) {
    await reserved.value.failed();
    // The failure was counted in the limiters' store, not in this database: the row has no transaction to join.
    if (input.auditFailureAs) {
      await deps.audit.record(
        em,
        {
          type: AuditEventType.LOGIN_FAILED,
          userId: knownUserId,
          details: { transport: input.auditFailureAs },
        },
        meta,
      );
    }
    return { ok: false, reason: 'INVALID_CREDENTIALS' };
  }
  if (!(await input.needsSecondStep?.(user))) await reserved.value.succeeded();
  return { ok: true, user };
}
