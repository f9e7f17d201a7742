import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { emailProblem, normalizeEmail } from './email.js';
import { normalizeRoles, Role } from '../authz/role.js';
import { User } from './user.entity.js';

/** Turns a password into its stored hash; an argument so tests can count the calls (the timing invariant). */
export type PasswordHasher = (password: string) => Promise<string>;

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
 * depend only on the input, never on the accounts.
 */
export async function createUser(
  em: Em,
  clock: Clock,
  input: { email: string; password: string; roles?: Role[] },
  hash: PasswordHasher = hashPassword,
): Promise<CreateUserResult> {
  const email = normalizeEmail(input.email);
  const emailIssue = emailProblem(email);
  if (emailIssue) return { ok: false, reason: 'INVALID', field: 'email', message: emailIssue };
  const passwordIssue = passwordProblem(input.password);
  if (passwordIssue) return { ok: false, reason: 'INVALID', field: 'password', message: passwordIssue };
  const passwordHash = await hash(input.password);
  if (await em.count(User, { email })) return TAKEN;
  const now = clock.now();
  const user = em.create(User, {
    email,
    passwordHash,
    roles: normalizeRoles(input.roles ?? [Role.USER]),
    createdAt: now,
    updatedAt: now,
  });
  try {
    await em.persistAndFlush(user);
  } catch (error) {
    // Two registrations of one email at once: the unique constraint decides, and the loser is answered as taken.
    if (error instanceof UniqueConstraintViolationException) {
      em.clear();
      return TAKEN;
    }
    throw error;
  }
  return { ok: true, user };
}

/** Creates the bootstrap ADMIN if no user has that email. Never touches an existing account. */
export async function ensureAdmin(
  em: Em,
  clock: Clock,
  admin: { email: string; password: string },
): Promise<'created' | 'exists'> {
  if (await em.count(User, { email: normalizeEmail(admin.email) })) return 'exists';
  const result = await createUser(em, clock, { ...admin, roles: [Role.ADMIN, Role.USER] });
  if (!result.ok) {
    if (result.reason === 'TAKEN') return 'exists';
    throw new Error(`${result.field === 'email' ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD'}: ${result.message}`);
  }
  return 'created';
}
