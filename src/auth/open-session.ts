import { AuditEventType } from '../audit/audit-event.entity.js';
import type { AuditLog, RequestMeta } from '../audit/audit-log.js';
import { Transport } from '../authz/transport.js';
import type { Em } from '../db/types.js';
import type { Session } from '../sessions/session.entity.js';
import type { SessionService } from '../sessions/session-service.js';
import type { User } from '../users/user.entity.js';
import type { RefreshTokenService } from './refresh-tokens.js';

export interface OpenSessionDeps {
  readonly sessions: Pick<SessionService, 'create'>;
  readonly refreshTokens: Pick<RefreshTokenService, 'issue'>;
  readonly audit: AuditLog;
}

/** A session just written: a bearer session has its first refresh token, a cookie session gets its cookie later. */
export interface OpenedSession {
  readonly user: User;
  readonly session: Session;
  readonly refreshToken: string | null;
}

export type SessionEvent =
  AuditEventType.REGISTERED | AuditEventType.LOGIN_SUCCEEDED | AuditEventType.PASSWORD_CHANGED;

/**
 * Opens a session for a user who has just proved their password (register, login, or a password change, which
 * renews the caller's session), in the caller's transaction `tx`: the Session row, the audit event that says why,
 * and a bearer session's first refresh token commit together with whatever else `tx` holds.
 */
export async function openSession(
  deps: OpenSessionDeps,
  tx: Em,
  input: {
    readonly user: User;
    readonly transport: Transport;
    readonly meta: RequestMeta;
    readonly event: SessionEvent;
    readonly details?: Record<string, unknown>;
    /** Established with two factors (completeLogin) or a passkey; default false. */
    readonly mfa?: boolean;
  },
): Promise<OpenedSession> {
  const { user, transport, meta } = input;
  const session = await deps.sessions.create(tx, {
    user,
    transport,
    ip: meta.ip,
    userAgent: meta.userAgent,
    mfa: input.mfa ?? false,
  });
  await deps.audit.record(
    tx,
    { type: input.event, userId: user.id, sessionId: session.id, details: { transport, ...input.details } },
    meta,
  );
  const refreshToken = transport === Transport.BEARER ? await deps.refreshTokens.issue(tx, session) : null;
  return { user, session, refreshToken };
}
