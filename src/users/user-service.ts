import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import { passwordProblem } from './passwords.js';
import type { PasswordHasher } from './password-hasher.js';
import { emailProblem, normalizeEmail } from './email.js';
import { normalizeRoles, Role } from '../authz/role.js';
import { User } from './user.entity.js';

/** Turns a password into its stored hash; an argument so tests can count the calls (the timing invariant). */
export type HashPassword = PasswordHasher['hash'];

export type CreateUserResult =
  | { readonly ok: true; readonly user: User }
  | {
      readonly ok: false;
      readonly reason: 'INVALID';
      readonly field: 'email' | 'password';
      readonly message: string;
    }
  /** The email has an account. Deliberately without a message: the caller answers it without a tell. */
  | { readonly ok: false; readonly reason: 'TAKEN' };

const TAKEN = { ok: false, reason: 'TAKEN' } as const;

/**
 * Creates a user after checking the email and the password policy; a taken email is a result, not a crash.
 * A taken email costs what a new one does: the password is hashed (one argon2 hash) before the email is looked up,
 * so the time of the answer does not say whether an account exists. The policy checks come first: their answers
 * depend only on the input, never on the accounts. `alongside` runs in the same transaction once the user is
 * written (a registration's session and audit event): all of it commits, or none.
 */
export async function createUser(
  em: Em,
  clock: Clock,
  input: { email: string; password: string; roles?: Role[]; verified?: boolean },
  hash: HashPassword,
  alongside?: (tx: Em, user: User) => Promise<void>,
): Promise<CreateUserResult> {
  const email = normalizeEmail(input.email);
  const emailIssue = emailProblem(email);
  if (emailIssue) return { ok: false, reason: 'INVALID', field: 'email', message: emailIssue };
  const passwordIssue = passwordProblem(input.password);
  if (passwordIssue) return { ok: false, reason: 'INVALID', field: 'password', message: passwordIssue };
  // Hashed before the transaction: the slow part holds no connection.
  const passwordHash = await hash(input.password);
  return em.transactional(async (tx) => {
    if (await tx.count(User, { email })) return TAKEN;
    const now = clock.now();
    let user: User;
    try {
      // In a savepoint: two registrations of one email at once, and the unique constraint decides; the loser's
      // insert alone is rolled back, and it is answered as taken.
      user = await tx.transactional(async (sp) => {
        const created = sp.create(User, {
          email,
          passwordHash,
          roles: normalizeRoles(input.roles ?? [Role.USER]),
          createdAt: now,
          updatedAt: now,
          emailVerifiedAt: input.verified ? now : null,
        });
        await sp.flush();
        return created;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return TAKEN;
      throw error;
    }
    await alongside?.(tx as Em, user);
    return { ok: true, user } as const;
  });
}

/** Creates the bootstrap ADMIN if no user has that email. Never touches an existing account. */
export async function ensureAdmin(
  em: Em,
  clock: Clock,
  admin: { email: string; password: string },
  hash: HashPassword,
): Promise<'created' | 'exists'> {
  if (await em.count(User, { email: normalizeEmail(admin.email) })) return 'exists';
  // The operator vouches for the address: the admin can log in under REGISTRATION=verify-first.
  const result = await createUser(
    em,
    clock,
    { ...admin, roles: [Role.ADMIN, Role.USER], verified: true },
    hash,
  );
  if (!result.ok) {
    if (result.reason === 'TAKEN') return 'exists';
    throw new Error(`${result.field === 'email' ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD'}: ${result.message}`);
  }
  return 'created';
}
