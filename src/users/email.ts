/** RFC 5321 caps a path at 256 octets, leaving 254 for the address. */
const MAX_EMAIL_LENGTH = 254;
// Deliberately loose: one @, no spaces, a dot in the domain. The mailbox is proved by use, not by a regex.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trims and lower-cases an email, so `A@x.io` and `a@x.io ` are one account. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The problem with an email in words, or null when it is acceptable (expects a normalised email). */
export function emailProblem(email: string): string | null {
  if (email.length > MAX_EMAIL_LENGTH) return `Email must be at most ${MAX_EMAIL_LENGTH} characters`;
  if (!EMAIL_SHAPE.test(email)) return 'Email is not a valid address';
  return null;
}
