import type { Role } from '../authz/role.js';
import type { Transport } from '../authz/transport.js';

/** What the hot path needs to know about a session and its user, cached per instance. */
export interface SessionState {
  readonly sessionId: string;
  readonly transport: Transport;
  readonly authTime: Date;
  readonly idleExpiresAt: Date;
  readonly absoluteExpiresAt: Date;
  readonly lastSeenAt: Date;
  readonly revokedAt: Date | null;
  readonly user: UserSnapshot;
}

/** The user as the session sees them now: roles are the current ones, not those in any token. */
export interface UserSnapshot {
  readonly id: string;
  readonly email: string;
  readonly roles: readonly Role[];
  readonly createdAt: Date;
}

export type SessionCheck =
  | { readonly ok: true; readonly state: SessionState }
  | { readonly ok: false; readonly reason: 'SESSION_REVOKED' | 'SESSION_EXPIRED' };

/** Is this session usable at `now`? */
export function checkSession(state: SessionState | null, now: Date): SessionCheck {
  if (!state || state.revokedAt) return { ok: false, reason: 'SESSION_REVOKED' };
  if (state.idleExpiresAt <= now || state.absoluteExpiresAt <= now)
    return { ok: false, reason: 'SESSION_EXPIRED' };
  return { ok: true, state };
}
