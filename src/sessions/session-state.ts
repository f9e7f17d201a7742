import type { Role } from '../authz/role.js';
import type { Transport } from '../authz/transport.js';
import type { User } from '../users/user.entity.js';
import type { Session } from './session.entity.js';

/** What the hot path needs to know about a session and its user, cached per instance. */
export interface SessionState {
  readonly sessionId: string;
  readonly transport: Transport;
  readonly authTime: Date;
  /** Established with two factors or a passkey (`@auth(mfa: true)`). */
  readonly mfa: boolean;
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
  /**
   * When the address was verified, for `@auth(verified: true)` and `User.emailVerified` (a verification evicts the
   * cached state on every instance). The time, not a flag: type-graphql copies a snapshot onto a User to resolve it.
   */
  readonly emailVerifiedAt: Date | null;
}

export type SessionCheck =
  | { readonly ok: true; readonly state: SessionState }
  | { readonly ok: false; readonly reason: 'SESSION_REVOKED' | 'SESSION_EXPIRED' };

/** The columns of a Session row and of its user that a SessionState is made of. */
export type SessionRow = Pick<
  Session,
  'id' | 'transport' | 'authTime' | 'mfa' | 'idleExpiresAt' | 'absoluteExpiresAt' | 'lastSeenAt' | 'revokedAt'
>;
export type UserRow = Pick<User, 'id' | 'email' | 'roles' | 'createdAt' | 'emailVerifiedAt'>;

/**
 * The one builder of a SessionState, from a session row and its user (the cache's read, and a session that was
 * just started). The roles are copied: a later change to the entity must not reach a state already handed out.
 */
export function stateOf(session: SessionRow, user: UserRow): SessionState {
  return {
    sessionId: session.id,
    transport: session.transport,
    authTime: session.authTime,
    mfa: session.mfa,
    idleExpiresAt: session.idleExpiresAt,
    absoluteExpiresAt: session.absoluteExpiresAt,
    lastSeenAt: session.lastSeenAt,
    revokedAt: session.revokedAt,
    user: {
      id: user.id,
      email: user.email,
      roles: [...user.roles],
      createdAt: user.createdAt,
      emailVerifiedAt: user.emailVerifiedAt,
    },
  };
}

/** Is this session usable at `now`? */
export function checkSession(state: SessionState | null, now: Date): SessionCheck {
  if (!state || state.revokedAt) return { ok: false, reason: 'SESSION_REVOKED' };
  if (state.idleExpiresAt <= now || state.absoluteExpiresAt <= now)
    return { ok: false, reason: 'SESSION_EXPIRED' };
  return { ok: true, state };
}
