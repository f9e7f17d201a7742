import { z } from 'zod';
import { parseDuration } from './duration.js';
import { validateJwkSet, type JsonWebKeyLike } from './jwk-set.js';

// The parsers of single settings: each turns one environment variable's text into a typed, bounded value, or an
// issue whose message config.ts prefixes with the variable's name.

/**
 * A duration within bounds. Every duration has an upper bound: a typo such as `3650d` for a token lifetime, or
 * a reuse grace of days (which turns refresh-token reuse detection off), must stop the start, not ship.
 */
export const durationIn = (min: number, max: number) =>
  z.string().transform((value, ctx) => {
    const seconds = parseDuration(value);
    if (seconds === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as 30s, 15m or 7d, got "${value}"` });
      return z.NEVER;
    }
    if (seconds < min || seconds > max) {
      const range = `${formatDuration(min)} to ${formatDuration(max)}`;
      ctx.addIssue({ code: 'custom', message: `expected a duration from ${range}, got "${value}"` });
      return z.NEVER;
    }
    return seconds;
  });

const UNITS = [
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
] as const;

function formatDuration(seconds: number): string {
  for (const [unit, size] of UNITS) {
    if (seconds > 0 && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

export const DAY = 86400;
/** Rate-limit windows and lock-outs: long enough to count, short enough that a typo cannot lock for months. */
export const window = durationIn(1, DAY);

export const intIn = (min: number, max: number) =>
  z.string().transform((value, ctx) => {
    const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `expected an integer from ${min} to ${max}, got "${value}"` });
      return z.NEVER;
    }
    return n;
  });

export const bool = z.string().transform((value, ctx) => {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  ctx.addIssue({ code: 'custom', message: `expected true or false, got "${value}"` });
  return z.NEVER;
});

export const list = z.string().transform((value) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

export const origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}, 'expected exact origins such as https://app.example.com (scheme, host and port only)');

// The one JWK Set validator, shared with `npm run keys` (which must never print a set this refuses).
export const jwkSet = z.string().transform((value, ctx): JsonWebKeyLike[] => {
  const result = validateJwkSet(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.problem });
    return z.NEVER;
  }
  return [...result.keys];
});

/** More hops than this is "believe anyone" in disguise. */
const MAX_PROXY_HOPS = 10;

export const trustProxy = z.string().transform((value, ctx): boolean | number | string[] => {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === 'off' || v === '0') return false;
  if (/^\d+$/.test(v)) {
    if (Number(v) > MAX_PROXY_HOPS) {
      ctx.addIssue({
        code: 'custom',
        message: `expected at most ${MAX_PROXY_HOPS} proxy hops, got "${value}"`,
      });
      return z.NEVER;
    }
    return Number(v);
  }
  if (v === 'true') return true;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
});
