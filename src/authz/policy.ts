import type { Role } from './role.js';
import type { Transport } from './transport.js';

/** What `@auth` says about a field or a type. */
export interface AuthPolicy {
  /** One of these roles suffices (hierarchy applies); empty means any authenticated user. */
  readonly requires: readonly Role[];
  /** The last login must be at most this many seconds old. */
  readonly fresh?: number;
  /** The request must come through one of these transports. */
  readonly via?: readonly Transport[];
  /**
   * The name of a property of the parent object that holds its owner's user id. The owner is let through even
   * without the roles in `requires`; with `requires` empty, only the owner is.
   */
  readonly owner?: string;
  /**
   * The session must have been established with two factors (or a passkey). `'roles'`: only for a caller let through
   * by `requires`, not as the owner (what REQUIRE_MFA_FOR_ROLES adds to a policy that requires such a role).
   */
  readonly mfa?: boolean | 'roles';
  /** The caller's email address must be verified (a mailed link was followed). */
  readonly verified?: boolean;
}
