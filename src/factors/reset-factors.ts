import { AuditEventType } from '../audit/audit-event.entity.js';
import type { AuditLog, RequestMeta } from '../audit/audit-log.js';
import type { Viewer } from '../authz/viewer.js';
import type { Em } from '../db/types.js';
import { SessionEventType, type SessionEventPublisher } from '../sessions/session-events.js';
import { User } from '../users/user.entity.js';
import type { PasskeyFactor } from './passkeys/passkey-factor.js';
import type { RecoveryCodes } from './recovery-codes/recovery-codes.js';
import type { TotpFactors } from './totp/totp-factors.js';

/**
 * An ADMIN's recovery for a user who lost every second factor and their recovery codes: removes the TOTP factor,
 * the recovery codes and the passkeys, so the password alone logs in again (the user should enrol anew at once).
 * Everything and FACTORS_RESET commit together; the user's live sockets hear FACTOR_CHANGED then. False when there
 * is no such user.
 */
export async function resetFactors(
  deps: {
    readonly totp: Pick<TotpFactors, 'remove'>;
    readonly recoveryCodes: Pick<RecoveryCodes, 'removeAll'>;
    readonly passkeyFactor: Pick<PasskeyFactor, 'removeAll'>;
    readonly audit: AuditLog;
    readonly sessionEvents: SessionEventPublisher;
  },
  em: Em,
  input: { readonly admin: Viewer; readonly userId: string; readonly meta: RequestMeta },
): Promise<boolean> {
  const { admin, userId, meta } = input;
  return em.transactional(async (t) => {
    const tx = t as Em;
    if (!(await tx.count(User, { id: userId }))) return false;
    const totp = await deps.totp.remove(tx, userId);
    const recoveryCodes = await deps.recoveryCodes.removeAll(tx, userId);
    const passkeys = await deps.passkeyFactor.removeAll(tx, userId);
    await deps.audit.record(
      tx,
      {
        type: AuditEventType.FACTORS_RESET,
        userId,
        sessionId: admin.sessionId,
        details: { by: admin.userId, totp, recoveryCodes, passkeys },
      },
      meta,
    );
    // The acting session is the admin's, not one of this user's: the event names none.
    await deps.sessionEvents.publish(tx, userId, { type: SessionEventType.FACTOR_CHANGED, sessionId: null });
    return true;
  });
}
