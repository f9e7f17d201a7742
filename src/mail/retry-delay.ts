/** How the outbox spaces its attempts at one mail. */
export interface RetryPolicy {
  readonly baseSec: number;
  readonly capSec: number;
}

/**
 * The wait after the `attempt`-th failed attempt (1-based): `base · 2^(attempt-1)`, capped, then scaled by a
 * random factor in [0.5, 1). The jitter spreads the retries of many mails (and of several instances) that failed
 * together in one outage, so they do not all hit the recovering SMTP server at once; it never exceeds the cap,
 * and never falls below half the step, so the backoff still grows.
 */
export function retryDelaySec(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const step = Math.min(policy.capSec, policy.baseSec * 2 ** exponent);
  return step * (0.5 + random() / 2);
}
