import { registerEnumType } from 'type-graphql';

/** What a user may do. Stored as text[]; never taken from a client-supplied header or variable. */
export enum Role {
  USER = 'USER',
  ADMIN = 'ADMIN',
}

registerEnumType(Role, { name: 'Role', description: 'ADMIN includes every right of USER.' });

/** The role hierarchy, in one place: each role and the roles it includes. */
const INCLUDES: Readonly<Record<Role, readonly Role[]>> = {
  [Role.USER]: [Role.USER],
  [Role.ADMIN]: [Role.ADMIN, Role.USER],
};

/** Does a holder of `held` have at least one of `required` (hierarchy applied)? */
export function hasAnyRole(held: readonly Role[], required: readonly Role[]): boolean {
  return held.some((role) => INCLUDES[role]?.some((included) => required.includes(included)));
}

/** Keeps only known roles, deduplicated, in enum order (for storage and tokens). */
export function normalizeRoles(roles: readonly string[]): Role[] {
  const known = Object.values(Role);
  return known.filter((role) => roles.includes(role));
}
