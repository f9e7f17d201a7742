import { dictionary } from '@zxcvbn-ts/language-common';

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
