import type { Em } from '../db/types.js';
import { normalizeEmail } from '../users/email.js';
import { User } from '../users/user.entity.js';
import type { PasswordHasher } from '../users/password-hasher.js';

/** Checks an email and password: the user, or null. Both kinds of failure take the same time. */
export type CredentialCheck = (
  em: Em,
  email: string,
  password: string,
) => Promise<{ user: User | null; knownUserId: string | null }>;

/**
 * Makes the dummy hash an unknown email is verified against, once. `passwords` is the app's hasher; a test may hand
 * in one that counts verifications: one per attempt, known email or not.
 */
export async function createCredentialCheck(options: {
  readonly passwords: Pick<PasswordHasher, 'verify' | 'dummyHash'>;
}): Promise<CredentialCheck> {
  const { verify, dummyHash: makeDummyHash } = options.passwords;
  const dummyHash = await makeDummyHash();
  return async (em, email, password) => {
    const user = await em.findOne(User, { email: normalizeEmail(email) }, { populate: ['passwordHash'] });
    // An unknown email still pays for one argon2 verification, so timing does not reveal which accounts exist.
    const ok = await verify(user?.passwordHash ?? dummyHash, password);
    // A disabled account is refused only after the verification, with the same answer as a wrong password.
    const usable = ok && user && !user.disabledAt ? user : null;
    return { user: usable, knownUserId: user?.id ?? null };
  };
}
