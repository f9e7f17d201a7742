/** Longest lock-out: however many times a lock-out recurs, it never exceeds a day. */
export const MAX_LOCKOUT_SEC = 86_400;

/** The `n`-th lock-out (1-based) of an account+IP lasts base, 2×base, 4×base, … seconds, capped at a day. */
export function lockoutSeconds(n: number, baseSec: number): number {
  return Math.min(MAX_LOCKOUT_SEC, baseSec * 2 ** Math.max(0, n - 1));
}

/** `Retry-After` from a limiter's remaining time: whole seconds, rounded up, never 0 (RFC 9110 §10.2.3). */
export function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

/**
 * What a consecutive-failure counter says once an attempt has been counted on it up front: under the limit the
 * attempt may be checked; the attempt that reaches the limit is checked too but locks the key first (so concurrent
 * attempts see the lock-out); past the limit it is refused unchecked.
 */
export function consecutiveOutcome(consumed: number, max: number): 'check' | 'check-and-lock' | 'refuse' {
  if (consumed > max) return 'refuse';
  return consumed === max ? 'check-and-lock' : 'check';
}
