import { AuditEventType } from '../audit/audit-event.entity.js';
import type { AuditLog, RequestMeta } from '../audit/audit-log.js';
import type { DeviceTokens } from '../auth/device-tokens.js';
import { openSession, type OpenedSession, type OpenSessionDeps } from '../auth/open-session.js';
import { clientIp, guard, type RateLimitedResult } from '../auth/rate-limit-guard.js';
import type { RateLimits } from '../auth/rate-limits.js';
import type { Transport } from '../authz/transport.js';
import type { Em } from '../db/types.js';
import { User } from '../users/user.entity.js';
import type { LoginChallenges } from './login-challenges/login-challenges.js';
import { singleProof, type SecondFactorProof, type SecondFactors } from './second-factors.js';

export interface CompleteLoginDeps extends OpenSessionDeps {
  readonly challenges: LoginChallenges;
  readonly secondFactors: SecondFactors;
  readonly rateLimits: RateLimits;
  readonly deviceTokens: DeviceTokens;
  readonly audit: AuditLog;
}

export type CompleteLoginResult =
  | { readonly ok: true; readonly opened: OpenedSession; readonly deviceToken: string }
  /** Not exactly one proof: a caller error, refused before anything is counted or spent. */
  | { readonly ok: false; readonly reason: 'ONE_PROOF' }
  /** Unknown, expired or spent challenge, one for another transport, or its account changed: log in again. */
  | { readonly ok: false; readonly reason: 'CHALLENGE_INVALID' }
  /** A wrong second factor; the challenge is spent all the same. */
  | { readonly ok: false; readonly reason: 'INVALID_CREDENTIALS' }
  | RateLimitedResult;

/**
 * The second step of a login: one second factor against the challenge login handed out. The attempt is counted on
 * the login limits of the account (and of the known device the login counted as) before the factor is checked,
 * exactly like a password, and refunded only on success, so concurrent guesses are bounded by the same limits.
 * A challenge is spent by the first attempt the limits let through, right or wrong: a wrong code means logging in
 * again, which costs a password check (the right password of a two-step login stays counted until this succeeds,
 * see attempt-password.ts). Success opens the session with `mfa` set, like login otherwise.
 */
export async function completeLogin(
  deps: CompleteLoginDeps,
  em: Em,
  input: SecondFactorProof & {
    readonly challenge: string;
    readonly transport: Transport;
    readonly meta: RequestMeta;
  },
): Promise<CompleteLoginResult> {
  const { meta } = input;
  if (singleProof(input) === null) return { ok: false, reason: 'ONE_PROOF' };
  const challenge = await deps.challenges.find(em, input.challenge);
  if (!challenge || challenge.transport !== input.transport)
    return { ok: false, reason: 'CHALLENGE_INVALID' };
  const user = await em.findOne(User, challenge.userId);
  // Bound to the password check: an account changed since (a new password, roles, email) or disabled asks again.
  if (!user || user.disabledAt || user.updatedAt > challenge.createdAt) {
    return { ok: false, reason: 'CHALLENGE_INVALID' };
  }

  const reserved = await guard(
    deps,
    em,
    meta,
    () =>
      deps.rateLimits.reserveLoginAttempt({
        email: user.email,
        ip: clientIp(meta),
        device: challenge.device,
      }),
    user.id,
  );
  if (!reserved.ok) return reserved;
  // Lost to a concurrent attempt with the same challenge: that one was counted too; this one stays a failure.
  if (!(await deps.challenges.spend(em, challenge.id))) {
    await reserved.value.failed();
    return { ok: false, reason: 'CHALLENGE_INVALID' };
  }

  const opened = await em.transactional(async (t) => {
    const tx = t as Em;
    const proved = await deps.secondFactors.prove(tx, user.id, input, { sessionId: null, meta });
    if (!proved.ok) return null;
    return openSession(deps, tx, {
      user,
      transport: challenge.transport,
      meta,
      event: AuditEventType.LOGIN_SUCCEEDED,
      details: { factor: proved.factor },
      mfa: true,
    });
  });
  if (!opened) {
    await reserved.value.failed();
    await deps.audit.record(
      em,
      {
        type: AuditEventType.SECOND_FACTOR_FAILED,
        userId: user.id,
        details: { factor: singleProof(input), step: 'completeLogin' },
      },
      meta,
    );
    return { ok: false, reason: 'INVALID_CREDENTIALS' };
  }
  await reserved.value.succeeded(2);
  return { ok: true, opened, deviceToken: deps.deviceTokens.issue(user.email) };
}
