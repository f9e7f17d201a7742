import type { AuditLog, RequestMeta } from '../audit/audit-log.js';
import type { DeviceTokens } from '../auth/device-tokens.js';
import { clientIp, guard, type RateLimitedResult } from '../auth/rate-limit-guard.js';
import type { RateLimits } from '../auth/rate-limits.js';
import type { Em } from '../db/types.js';

export interface CountedCheckDeps {
  readonly rateLimits: RateLimits;
  readonly deviceTokens: DeviceTokens;
  readonly audit: AuditLog;
}

/**
 * Runs a guessable check of a signed-in user's second factor (step-up, disabling TOTP) on the login limits of the
 * account, as a password check is: reserved as a failure before `check` runs, refunded only when it passes.
 */
export async function countedCheck(
  deps: CountedCheckDeps,
  em: Em,
  input: {
    readonly email: string;
    readonly userId: string;
    readonly deviceToken: string | null;
    readonly meta: RequestMeta;
  },
  check: () => Promise<boolean>,
): Promise<{ readonly ok: true; readonly passed: boolean } | RateLimitedResult> {
  const device = deps.deviceTokens.verify(input.deviceToken, input.email);
  const reserved = await guard(
    deps,
    em,
    input.meta,
    () => deps.rateLimits.reserveLoginAttempt({ email: input.email, ip: clientIp(input.meta), device }),
    input.userId,
  );
  if (!reserved.ok) return reserved;
  const passed = await check();
  await (passed ? reserved.value.succeeded() : reserved.value.failed());
  return { ok: true, passed };
}
