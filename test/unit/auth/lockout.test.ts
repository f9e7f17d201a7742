import {
  consecutiveOutcome,
  lockoutSeconds,
  MAX_LOCKOUT_SEC,
  retryAfterSeconds,
} from '../../../src/auth/lockout.js';

describe('lock-out arithmetic', () => {
  it('doubles each lock-out of an account+IP: 1, 2, 4, 8 minutes', () => {
    expect([1, 2, 3, 4].map((n) => lockoutSeconds(n, 60))).toEqual([60, 120, 240, 480]);
  });

  it('never locks for more than a day, however often it recurs (and never overflows)', () => {
    expect(lockoutSeconds(12, 60)).toBe(MAX_LOCKOUT_SEC);
    expect(lockoutSeconds(5000, 60)).toBe(MAX_LOCKOUT_SEC);
  });

  it('treats the first lock-out as the base even for a nonsense count', () => {
    expect(lockoutSeconds(0, 60)).toBe(60);
  });

  it('rounds Retry-After up to whole seconds and never answers 0', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
    expect(retryAfterSeconds(59_999)).toBe(60);
  });

  it('checks attempts under the limit, locks first on the one that reaches it, refuses past it', () => {
    expect(consecutiveOutcome(1, 5)).toBe('check');
    expect(consecutiveOutcome(4, 5)).toBe('check');
    expect(consecutiveOutcome(5, 5)).toBe('check-and-lock');
    expect(consecutiveOutcome(6, 5)).toBe('refuse');
    expect(consecutiveOutcome(50, 5)).toBe('refuse');
  });
});
