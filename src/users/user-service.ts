import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import { emailProblem, normalizeEmail } from './email.js';
import { normalizeRoles, Role } from './role.js';
import { User } from './user.entity.js';

export type CreateUserResult =
  | { readonly ok: true; readonly user: User }
  | {
      readonly ok: false;
      readonly field: 'email' | 'password';
      readonly message: string;
      readonly taken?: true;
    };

/** Creates a user after checking the email and the password policy; a taken email is a result, not a crash. */
export async function createUser(
  em: Em,
  clock: Clock,
  input: { email: string; password: string; roles?: Role[] },
): Promise<CreateUserResult> {
  const email = normalizeEmail(input.email);
  const emailIssue = emailProblem(email);
  if (emailIssue) return { ok: false, field: 'email', message: emailIssue };
  const passwordIssue = passwordProblem(input.password);
  if (passwordIssue) return { ok: false, field: 'password', message: passwordIssue };
  const taken = {
    ok: false,
    field: 'email',
    message: 'An account with this email already exists',
    taken: true,
  } as const;
  if (await em.count(User, { email })) return taken;
  const now = clock.now();
  const user = em.create(User, {
    email,
    passwordHash: await hashPassword(input.password),
    roles: normalizeRoles(input.roles ?? [Role.USER]),
    createdAt: now,
    updatedAt: now,
  });
  try {
    await em.persistAndFlush(user);
  } catch (error) {
    // Two registrations of one email at once: the unique constraint decides.
    if (error instanceof UniqueConstraintViolationException) {
      em.clear();
      return taken;
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
    if (result.taken) return 'exists';
    throw new Error(`${result.field === 'email' ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD'}: ${result.message}`);
  }
  return 'created';
}
