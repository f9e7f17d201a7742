import { AuditEventType } from '../audit/audit-event.entity.js';
import type { RequestMeta } from '../audit/audit-log.js';
import type { Viewer } from '../authz/viewer.js';
import type { Em } from '../db/types.js';
import { endSession, type EndSessionDeps } from '../sessions/end-session.js';
import { RevokeReason } from '../sessions/session.entity.js';

/** Ends the caller's session, with its LOGOUT event. */
export async function logout(deps: EndSessionDeps, em: Em, viewer: Viewer, meta: RequestMeta): Promise<void> {
  const { userId, sessionId } = viewer;
  await endSession(
    deps,
    em,
    { sessionId, reason: RevokeReason.LOGOUT },
    () => ({ type: AuditEventType.LOGOUT, userId, sessionId }),
    meta,
  );
}

/** Ends every session of the caller's, with one LOGOUT event that counts them; returns how many. */
export function logoutAll(deps: EndSessionDeps, em: Em, viewer: Viewer, meta: RequestMeta): Promise<number> {
  const { userId, sessionId } = viewer;
  return endSession(
    deps,
    em,
    { userId, reason: RevokeReason.LOGOUT_ALL },
    (count) => ({ type: AuditEventType.LOGOUT, userId, sessionId, details: { all: true, count } }),
    meta,
  );
}
