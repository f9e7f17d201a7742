import { AuditEventType } from '../../audit/audit-event.entity.js';
import type { AuditLog, RequestMeta } from '../../audit/audit-log.js';
import type { RateLimitedResult } from '../../auth/rate-limit-guard.js';
import type { Viewer } from '../../authz/viewer.js';
import type { Em } from '../../db/types.js';
import { SessionEventType, type SessionEventPublisher } from '../../sessions/session-events.js';
import { countedCheck, type CountedCheckDeps } from '../counted-check.js';
import type { PasskeyFactor } from '../passkeys/passkey-factor.js';
import type { RecoveryCodes } from '../recovery-codes/recovery-codes.js';
import type { TotpEnrollmentStarted, TotpFactors } from './totp-factors.js';

export interface ManageTotpDeps extends CountedCheckDeps {
  readonly totp: TotpFactors;
  readonly recoveryCodes: RecoveryCodes;
  readonly passkeyFactor: Pick<PasskeyFactor, 'count'>;
  readonly audit: AuditLog;
  /** The user's live sockets hear FACTOR_CHANGED when TOTP goes on or off. */
  readonly sessionEvents: SessionEventPublisher;
}

interface Caller {
  readonly viewer: Viewer;
  readonly meta: RequestMeta;
}

/** A new pending TOTP secret for the caller (not a factor until confirmed); null when TOTP is already on. */
export async function startTotpEnrollment(
  deps: ManageTotpDeps,
  em: Em,
  { viewer, meta }: Caller,
): Promise<TotpEnrollmentStarted | null> {
  return em.transactional(async (t) => {
    const tx = t as Em;
    const started = await deps.totp.start(tx, { id: viewer.userId, email: viewer.user.email });
    if (started) {
      await deps.audit.record(
        tx,
        { type: AuditEventType.TOTP_ENROLLMENT_STARTED, userId: viewer.userId, sessionId: viewer.sessionId },
        meta,
      );
    }
    return started;
  });
}

/**
 * Activates the pending TOTP factor with its first code (proof that the app holds the secret) and returns the 10
 * recovery codes, shown this once; the activation, the codes and TOTP_ENABLED commit together. Null for a wrong
 * code or nothing pending: the caller already has the secret, so guessing here would gain nothing.
 */
export async function confirmTotpEnrollment(
  deps: ManageTotpDeps,
  em: Em,
  { viewer, meta, code }: Caller & { readonly code: string },
): Promise<string[] | null> {
  return em.transactional(async (t) => {
    const tx = t as Em;
    if (!(await deps.totp.confirm(tx, viewer.userId, code))) return null;
    const codes = await deps.recoveryCodes.replace(tx, viewer.userId);
    await deps.audit.record(
      tx,
      { type: AuditEventType.TOTP_ENABLED, userId: viewer.userId, sessionId: viewer.sessionId },
      meta,
    );
    await factorChanged(deps, tx, viewer);
    return codes;
  });
}

export type DisableTotpResult = { readonly ok: boolean } | RateLimitedResult;

/**
 * Turns TOTP off with a current code (counted on the login limits: a stolen fresh session must not guess its way
 * to removing the factor). Without a passkey left, the recovery codes go too: they back up a second factor there
 * no longer is.
 */
export async function disableTotp(
  deps: ManageTotpDeps,
  em: Em,
  {
    viewer,
    meta,
    code,
    deviceToken,
  }: Caller & { readonly code: string; readonly deviceToken: string | null },
): Promise<DisableTotpResult> {
  const input = { email: viewer.user.email, userId: viewer.userId, deviceToken, meta };
  const counted = await countedCheck(deps, em, input, () =>
    em.transactional(async (t) => {
      const tx = t as Em;
      if (!(await deps.totp.verify(tx, viewer.userId, code))) return false;
      await deps.totp.remove(tx, viewer.userId);
      const keepCodes = (await deps.passkeyFactor.count(tx, viewer.userId)) > 0;
      if (!keepCodes) await deps.recoveryCodes.removeAll(tx, viewer.userId);
      await deps.audit.record(
        tx,
        {
          type: AuditEventType.TOTP_DISABLED,
          userId: viewer.userId,
          sessionId: viewer.sessionId,
          details: { recoveryCodesKept: keepCodes },
        },
        meta,
      );
      await factorChanged(deps, tx, viewer);
      return true;
    }),
  );
  if (!counted.ok) return counted;
  if (!counted.passed) {
    await deps.audit.record(
      em,
      {
        type: AuditEventType.SECOND_FACTOR_FAILED,
        userId: viewer.userId,
        sessionId: viewer.sessionId,
        details: { factor: 'TOTP', step: 'disableTotp' },
      },
      meta,
    );
  }
  return { ok: counted.passed };
}

/** FACTOR_CHANGED to the caller's live sockets at the commit of `tx`, naming the session that made the change. */
function factorChanged(deps: Pick<ManageTotpDeps, 'sessionEvents'>, tx: Em, viewer: Viewer): Promise<void> {
  return deps.sessionEvents.publish(tx, viewer.userId, {
    type: SessionEventType.FACTOR_CHANGED,
    sessionId: viewer.sessionId,
  });
}
