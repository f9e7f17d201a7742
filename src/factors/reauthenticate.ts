import { AuditEventType } from '../audit/audit-event.entity.js';
import type { AuditLog, RequestMeta } from '../audit/audit-log.js';
import { attemptPassword, type PasswordAttemptDeps } from '../auth/attempt-password.js';
import type { RateLimitedResult } from '../auth/rate-limit-guard.js';
import type { Viewer } from '../authz/viewer.js';
import type { Em } from '../db/types.js';
import type { SessionService } from '../sessions/session-service.js';
import { countedCheck } from './counted-check.js';
import { Factor } from './factor.js';
import { singleProof, type SecondFactors } from './second-factors.js';

export interface ReauthenticateDeps extends PasswordAttemptDeps {
  readonly secondFactors: SecondFactors;
  readonly sessions: Pick<SessionService, 'reauthenticate'>;
  readonly audit: AuditLog;
}

export type ReauthenticateResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'ONE_PROOF' }
  | { readonly ok: false; readonly reason: 'INVALID_CREDENTIALS' }
  /** The session ended meanwhile. */
  | { readonly ok: false; readonly reason: 'SESSION_REVOKED' }
  | RateLimitedResult;

/**
 * Step-up: the caller proves one factor again (password, TOTP code or passkey) and the session's authTime becomes
 * now, so `@auth(fresh: N)` fields pass again, on every instance at once. A TOTP code or a passkey on a session
 * opened with the password alone also marks it `mfa`: it has now seen both factors. Every proof is counted on the
 * login limits before it is checked (a stolen session must not become a way to guess), and refunded on success.
 */
export async function reauthenticate(
  deps: ReauthenticateDeps,
  em: Em,
  input: {
    readonly viewer: Viewer;
    readonly password?: string | null;
    readonly totp?: string | null;
    readonly passkey?: unknown;
    readonly deviceToken: string | null;
    readonly meta: RequestMeta;
  },
): Promise<ReauthenticateResult> {
  const { viewer, meta } = input;
  const factor = singleProof({ password: input.password, totp: input.totp, passkey: input.passkey });
  if (factor === null) return { ok: false, reason: 'ONE_PROOF' };
  const email = viewer.user.email;

  let proved: boolean;
  if (factor === Factor.PASSWORD) {
    const attempt = await attemptPassword(deps, em, {
      email,
      password: input.password!,
      meta,
      deviceToken: input.deviceToken,
      userId: viewer.userId,
    });
    if (!attempt.ok && attempt.reason === 'RATE_LIMITED') return attempt;
    proved = attempt.ok;
  } else {
    const counted = await countedCheck(
      deps,
      em,
      { email, userId: viewer.userId, deviceToken: input.deviceToken, meta },
      async () =>
        (
          await em.transactional((tx) =>
            deps.secondFactors.prove(tx as Em, viewer.userId, input, { sessionId: viewer.sessionId, meta }),
          )
        ).ok,
    );
    if (!counted.ok) return counted;
    proved = counted.passed;
  }
  if (!proved) {
    await deps.audit.record(
      em,
      {
        type: AuditEventType.SECOND_FACTOR_FAILED,
        userId: viewer.userId,
        sessionId: viewer.sessionId,
        details: { factor, step: 'reauthenticate' },
      },
      meta,
    );
    return { ok: false, reason: 'INVALID_CREDENTIALS' };
  }
  const mfa = factor !== Factor.PASSWORD;
  const renewed = await deps.sessions.reauthenticate(em, viewer.sessionId, {
    mfa,
    after: (tx) =>
      deps.audit.record(
        tx,
        {
          type: AuditEventType.REAUTHENTICATED,
          userId: viewer.userId,
          sessionId: viewer.sessionId,
          details: { factor, mfa: mfa || viewer.mfa },
        },
        meta,
      ),
  });
  return renewed ? { ok: true } : { ok: false, reason: 'SESSION_REVOKED' };
}
