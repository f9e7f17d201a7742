import type { Em } from '../db/types.js';
import { normalizeEmail } from '../users/email.js';
import { User } from '../users/user.entity.js';
import { verifyPassword } from '../users/passwords.js';

/** Checks an email and password: the user, or null. Both kinds of failure take the same time. */
export type CredentialCheck = (
  em: Em,
  email: string,
  password: string,
) => Promise<{ user: User | null; knownUserId: string | null }>;

/** `verify` is injectable so a test can count verifications: one per attempt, known email or not. */
export function createCredentialCheck(
  dummyHash: string,
  verify: (passwordHash: string, password: string) => Promise<boolean> = verifyPassword,
): CredentialCheck {
  return async (em, email, password) => {
    const user = await em.findOne(User, { email: normalizeEmail(email) }, { populate: ['passwordHash'] });
    // An unknown email still pays for one argon2 verification, so timing does not reveal which accounts exist.
    const ok = await verify(user?.passwordHash ?? dummyHash, password);
    // A disabled account is refused only after the verification, with the same answer as a wrong password.
    const usable = ok && user && !user.disabledAt ? user : null;
    return { user: usable, knownUserId: user?.id ?? null };
  };
}
