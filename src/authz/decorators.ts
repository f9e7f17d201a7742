import { Directive } from 'type-graphql';
import type { AuthPolicy } from './policy.js';

/**
 * `@Auth({ requires: [Role.ADMIN], owner: 'id', verified: true })` →
 * `@auth(requires: [ADMIN], owner: "id", verified: true)` on the field or type.
 * Enum values and numbers only reach the SDL through this function, so no caller writes directive text.
 */
export function Auth(policy: Partial<AuthPolicy> = {}): MethodDecorator & PropertyDecorator & ClassDecorator {
  const args: string[] = [];
  if (policy.requires?.length) args.push(`requires: [${policy.requires.join(', ')}]`);
  if (policy.fresh !== undefined) {
    if (!Number.isSafeInteger(policy.fresh) || policy.fresh <= 0) throw new Error('@Auth fresh must be > 0');
    args.push(`fresh: ${policy.fresh}`);
  }
  if (policy.via !== undefined) {
    // In SDL `via: []` would admit no transport at all; here it would silently admit both. Neither is meant.
    if (policy.via.length === 0) throw new Error('@Auth via must name a transport (omit it to allow both)');
    args.push(`via: [${policy.via.join(', ')}]`);
  }
  if (policy.owner !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(policy.owner))
      throw new Error('@Auth owner must be a property name');
    args.push(`owner: ${JSON.stringify(policy.owner)}`);
  }
  if (policy.verified) args.push('verified: true');
  if (policy.mfa !== undefined) {
    // 'roles' is derived from REQUIRE_MFA_FOR_ROLES when policies are read; it is not written on the schema.
    if (policy.mfa !== true) throw new Error('@Auth mfa must be true (omit it otherwise)');
    args.push('mfa: true');
  }
  return Directive(args.length ? `@auth(${args.join(', ')})` : '@auth');
}

/** Marks a field as open to anonymous callers, on purpose. */
export function Public(): MethodDecorator & PropertyDecorator {
  return Directive('@public');
}
