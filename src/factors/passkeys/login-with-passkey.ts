import { AuditEventType } from '../../audit/audit-event.entity.js';
import type { AuditLog, RequestMeta } from '../../audit/audit-log.js';
import type { Transport } from '../../authz/transport.js';
import type { Em } from '../../db/types.js';
import type { DeviceTokens } from '../../auth/device-tokens.js';
import { openSession, type OpenedSession, type OpenSessionDeps } from '../../auth/open-session.js';
import { clientIp, guard, type RateLimitedResult } from '../../auth/rate-limit-guard.js';
import type { RateLimits } from '../../auth/rate-limits.js';
import { User } from '../../users/user.entity.js';
import { checkAssertion } from './assertions.js';
import type { PasskeyDeps } from './relying-party.js';

export type LoginWithPasskeyDeps = PasskeyDeps &
  OpenSessionDeps & {
    readonly rateLimits: Pick<RateLimits, 'countLoginFromIp'>;
    readonly deviceTokens: Pick<DeviceTokens, 'issue'>;
    readonly audit: AuditLog;
  };

export type LoginWithPasskeyResult =
  | { readonly ok: true; readonly opened: OpenedSession; readonly deviceToken: string }
  | { readonly ok: false; readonly reason: 'INVALID_CREDENTIALS' }
  | RateLimitedResult;

/**
 * Signs in with a discoverable passkey: the assertion names the account, proves possession of the key and the
 * user's verification (PIN or biometric) at once, so the session counts as two factors (`mfa`). Every refusal is
 * the one INVALID_CREDENTIALS of login, counted against the per-IP login limit and audited as LOGIN_FAILED, with
 * the reason (a counter that did not increase may be a cloned key) in the trail only.
 */
export async function loginWithPasskey(
  deps: LoginWithPasskeyDeps,
  em: Em,
  input: { readonly response: unknown; readonly transport: Transport; readonly meta: RequestMeta },
): Promise<LoginWithPasskeyResult> {
  const { transport, meta } = input;
  const allowed = await guard(deps, em, meta, () => deps.rateLimits.countLoginFromIp(clientIp(meta)));
  if (!allowed.ok) return allowed;
  // The challenge spend, the counter, the session and the audit rows commit together; a refusal commits too
  // (its spent challenge and its LOGIN_FAILED row), since it returns rather than throws.
  const outcome = await em.transactional(async (tx) => {
    const check = await checkAssertion(deps, tx as Em, input.response);
    const user = check.ok ? await tx.findOneOrFail(User, check.passkey.user.id) : null;
    if (!check.ok || !user || user.disabledAt) {
      const reason = check.ok ? 'USER_DISABLED' : check.reason;
      await deps.audit.record(
        tx as Em,
        {
          type: AuditEventType.LOGIN_FAILED,
          userId: check.ok ? check.passkey.user.id : check.userId,
          details: { transport, factor: 'PASSKEY', reason },
        },
        meta,
      );
      return null;
    }
    const opened = await openSession(deps, tx as Em, {
      user,
      transport,
      meta,
      event: AuditEventType.LOGIN_SUCCEEDED,
      details: { factor: 'PASSKEY', passkeyId: check.passkey.id },
      mfa: true,
    });
    return opened;
  });
  if (!outcome) return { ok: false, reason: 'INVALID_CREDENTIALS' };
  return { ok: true, opened: outcome, deviceToken: deps.deviceTokens.issue(outcome.user.email) };
}
