import { AuditEventType } from '../../audit/audit-event.entity.js';
import type { AuditLog, RequestMeta } from '../../audit/audit-log.js';
import type { Viewer } from '../../authz/viewer.js';
import type { Em } from '../../db/types.js';
import { SessionEventType, type SessionEventPublisher } from '../../sessions/session-events.js';
import type { SecondFactors } from '../second-factors.js';
import type { RecoveryCodes } from './recovery-codes.js';

/**
 * Ten new recovery codes for the caller, replacing every old one (used or not), shown once; audited in the same
 * transaction, and told to the caller's live sockets (FACTOR_CHANGED) at its commit. Null when the caller has no
 * second factor for them to back up.
 */
export async function regenerateRecoveryCodes(
  deps: {
    readonly recoveryCodes: RecoveryCodes;
    readonly secondFactors: Pick<SecondFactors, 'factorsOf'>;
    readonly audit: AuditLog;
    readonly sessionEvents: SessionEventPublisher;
  },
  em: Em,
  { viewer, meta }: { readonly viewer: Viewer; readonly meta: RequestMeta },
): Promise<string[] | null> {
  return em.transactional(async (t) => {
    const tx = t as Em;
    if ((await deps.secondFactors.factorsOf(tx, viewer.userId)).length === 0) return null;
    const codes = await deps.recoveryCodes.replace(tx, viewer.userId);
    await deps.audit.record(
      tx,
      { type: AuditEventType.RECOVERY_CODES_REGENERATED, userId: viewer.userId, sessionId: viewer.sessionId },
      meta,
    );
    await deps.sessionEvents.publish(tx, viewer.userId, {
      type: SessionEventType.FACTOR_CHANGED,
      sessionId: viewer.sessionId,
    });
    return codes;
  });
}
