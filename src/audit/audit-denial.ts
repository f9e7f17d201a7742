import { AuditEventType } from './audit-event.entity.js';
import type { AuditLog, RequestMeta } from './audit-log.js';
import type { Viewer } from '../authz/viewer.js';
import type { Em } from '../db/types.js';

/**
 * Records that a logged-in caller was refused a field (AUTHZ_DENIED), at most once per session, field and
 * minute. Used by the enforcing transformer and by the few checks that need data only a resolver has.
 */
export function auditDenial(
  deps: { audit: AuditLog; em: Em },
  viewer: Viewer,
  meta: RequestMeta,
  coordinate: string,
  reason: string,
): void {
  void deps.audit.recordThrottled(
    deps.em,
    {
      type: AuditEventType.AUTHZ_DENIED,
      userId: viewer.userId,
      sessionId: viewer.sessionId,
      details: { field: coordinate, reason, transport: viewer.transport },
    },
    meta,
    `${viewer.sessionId}:${coordinate}`,
  );
}
