import type { Viewer } from './viewer.js';
import { hasAnyRole } from './role.js';
import type { AuthPolicy } from './policy.js';

/** Why a policy refused a caller. */
export type Denial =
  | { kind: 'UNAUTHENTICATED' }
  | { kind: 'WRONG_TRANSPORT' }
  | { kind: 'MISSING_ROLE' }
  | { kind: 'NOT_OWNER' }
  | { kind: 'NOT_FRESH'; maxAge: number }
  | { kind: 'EMAIL_NOT_VERIFIED' }
  | { kind: 'MFA_REQUIRED' };

/** Applies one policy to a caller and the parent object; null means allowed. Pure, so it is tested directly. */
export function decide(
  policy: AuthPolicy,
  viewer: Viewer | null,
  source: unknown,
  now: Date | (() => Date),
): Denial | null {
  if (!viewer) return { kind: 'UNAUTHENTICATED' };
  if (policy.via && !policy.via.includes(viewer.transport)) return { kind: 'WRONG_TRANSPORT' };
  const isOwner = policy.owner !== undefined && ownerOf(source, policy.owner) === viewer.userId;
  const roleOk =
    policy.requires.length > 0 ? hasAnyRole(viewer.roles, policy.requires) : policy.owner === undefined;
  if (!roleOk && !isOwner) return { kind: policy.owner !== undefined ? 'NOT_OWNER' : 'MISSING_ROLE' };
  // Before `fresh`: logging in again would not help an unverified caller.
  if (policy.verified && viewer.user.emailVerifiedAt === null) return { kind: 'EMAIL_NOT_VERIFIED' };
  // Before freshness: a password step-up would not help, a second factor (reauthenticate) does both.
  if ((policy.mfa === true || (policy.mfa === 'roles' && !isOwner)) && !viewer.mfa)
    return { kind: 'MFA_REQUIRED' };
  // `now` may be a function so that the common case (no `fresh`) never reads the clock.
  const at = () => (typeof now === 'function' ? now() : now);
  if (policy.fresh !== undefined && at().getTime() - viewer.authTime.getTime() > policy.fresh * 1000) {
    return { kind: 'NOT_FRESH', maxAge: policy.fresh };
  }
  return null;
}

function ownerOf(source: unknown, property: string): unknown {
  if (source === null || typeof source !== 'object') return undefined;
  return (source as Record<string, unknown>)[property];
}
