import type { Em } from '../db/types.js';
import { normalizeEmail } from '../users/email.js';
import { User } from '../users/user.entity.js';
import { verifyPassword } from './passwords.js';

/** Checks an email and password: the user, or null. Both kinds of failure take the same time. */
export type CredentialCheck = (
  em: Em,
  email: string,
  password: string,
) => Promise<{ user: User | null; knownUserId: string | null }>;

export function createCredentialCheck(dummyHash: string): CredentialCheck {
  return async (em, email, password) => {
    const user = await em.findOne(User, { email: normalizeEmail(email) }, { populate: ['passwordHash'] });
    // An unknown email still pays for one argon2 verification, so timing does not reveal which accounts exist.
    const ok = await verifyPassword(user?.passwordHash ?? dummyHash, password);
    return { user: ok && user ? user : null, knownUserId: user?.id ?? null };
  };
}
