import { retryDelaySec } from '../../../src/mail/retry-delay.js';

const policy = { baseSec: 30, capSec: 3600 };

describe('retryDelaySec', () => {
  it('doubles from the base after each failure, before jitter (random = 1 → the full step)', () => {
    const full = () => 0.999999;
    expect([1, 2, 3, 4, 5].map((n) => Math.round(retryDelaySec(n, policy, full)))).toEqual([
      30, 60, 120, 240, 480,
    ]);
  });

  it('never exceeds the cap, however many attempts', () => {
    for (const attempt of [8, 9, 20, 1000]) {
      expect(retryDelaySec(attempt, policy, () => 0.999999)).toBeLessThanOrEqual(3600);
    }
    expect(retryDelaySec(1000, policy, () => 0.999999)).toBeGreaterThan(3599);
  });

  it('jitters within [half the step, the step): never below half, so the backoff still grows', () => {
    expect(retryDelaySec(3, policy, () => 0)).toBe(60);
    expect(retryDelaySec(3, policy, () => 0.5)).toBe(90);
    for (let i = 0; i < 200; i++) {
      const delay = retryDelaySec(2, policy);
      expect(delay).toBeGreaterThanOrEqual(30);
      expect(delay).toBeLessThan(60);
    }
  });

  it('treats an attempt below 1 as the first', () => {
    expect(retryDelaySec(0, policy, () => 0)).toBe(15);
  });
});
