import { randomBytes } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

/** argon2id at the OWASP Password Storage baseline: 19 MiB, 2 passes, 1 lane. */
const ARGON2_OPTIONS: Options = {
  algorithm: 2 /* Argon2id */,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

/** NIST SP 800-63B: at least 8 characters, allow at least 64 (we allow 128), no composition rules. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  (dictionary['passwords-common'] as string[]).filter((p) => p.length >= PASSWORD_MIN_LENGTH),
);

/**
 * Checks a new password against the policy; returns the problem in words, or null when acceptable. Length and the
 * blocklist apply to the NFKC form that is hashed (NIST SP 800-63B §5.1.1.2): fullwidth "ｐａｓｓｗｏｒｄ１２３" is the
 * common "password123", and nine conjoining Hangul jamo are three syllables.
 */
export function passwordProblem(password: string): string | null {
  // NUL ends a string in C: a password manager, CLI or library on the way may silently cut the password short there.
  if (password.includes('\0')) return 'Password must not contain the NUL character';
  const normalized = password.normalize('NFKC');
  const length = [...normalized].length; // code points, so an emoji counts as one character
  if (length < PASSWORD_MIN_LENGTH) return `Password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `Password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (COMMON_PASSWORDS.has(normalized.toLowerCase())) return 'Password is too common; choose another';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFKC'), ARGON2_OPTIONS);
}

/** Verifies a password; a malformed stored hash counts as a mismatch. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password.normalize('NFKC'));
  } catch {
    return false;
  }
}

/**
 * A hash of a random password, made once, verified against when the email is unknown so that an unknown email
 * costs the same time as a wrong password (no user enumeration by timing).
 */
export function createDummyHash(): Promise<string> {
  return hashPassword(randomBytes(32).toString('base64url'));
}
