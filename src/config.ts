import { z } from 'zod';
import { validateJwkSet, type JsonWebKeyLike } from './auth/jwk-set.js';
import { parseDuration } from './duration.js';
import { secretWeakness } from './secret-strength.js';

export type { JsonWebKeyLike } from './auth/jwk-set.js';

/** Every setting Gatehouse reads, parsed once from the environment. The only reader of `process.env`. */
export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  /** A real PostgreSQL server; undefined selects the embedded database under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** The API's public origin: the default `iss`, the base of links in mail, the WebAuthn relying party. */
  readonly publicUrl: string;
  /** Exact origins allowed with credentials; undefined means the development defaults. */
  readonly corsOrigins: readonly string[] | undefined;
  readonly admin: { readonly email: string; readonly password: string } | undefined;
  readonly jwt: {
    /** Private JWKs, the first signs; undefined only outside production (a set is generated under `dataDir`). */
    readonly keys: readonly JsonWebKeyLike[] | undefined;
    readonly issuer: string;
    readonly audience: string;
    readonly accessTokenTtlSec: number;
  };
  readonly session: {
    readonly idleTtlSec: number;
    readonly absoluteTtlSec: number;
    readonly refreshReuseGraceSec: number;
    /** How long a per-instance session cache entry is served before it is re-read (bounds missed invalidations). */
    readonly cacheTtlSec: number;
    /** First signs cookies, all verify; undefined only outside production (generated under `dataDir`). */
    readonly secrets: readonly string[] | undefined;
    readonly cookieSameSite: 'lax' | 'strict' | 'none';
  };
  /** Express `trust proxy`: false (default), a hop count, or a list of addresses/subnets. */
  readonly trustProxy: boolean | number | readonly string[];
  readonly graphql: {
    readonly introspection: boolean;
    readonly maxDepth: number;
    readonly maxCost: number;
    readonly maxAliases: number;
    readonly maxDirectives: number;
    readonly maxTokens: number;
  };
  readonly rateLimit: {
    /** Consecutive failures per account+IP before the lock-out starts. */
    readonly loginFailuresPerAccount: number;
    readonly loginLockoutBaseSec: number;
    /** Failures per account from any address, per window: a distributed guess at one account stops too. */
    readonly accountFailures: number;
    readonly accountFailuresWindowSec: number;
    /** Consecutive failures a known device (a valid device token) may make before it is trusted no more. */
    readonly deviceFailures: number;
    /** How long a device that used up its failures is treated as an unknown client. */
    readonly deviceLockoutSec: number;
    readonly loginAttemptsPerIp: number;
    readonly loginAttemptsPerIpWindowSec: number;
    readonly registerPerIp: number;
    readonly registerPerIpWindowSec: number;
    readonly refreshPerSession: number;
    readonly refreshPerSessionWindowSec: number;
  };
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A setting that failed validation; `main` prints its message and exits non-zero. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * A duration within bounds. Every duration has an upper bound: a typo such as `3650d` for a token lifetime, or
 * a reuse grace of days (which turns refresh-token reuse detection off), must stop the start, not ship.
 */
const durationIn = (min: number, max: number) =>
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

const DAY = 86400;
/** Rate-limit windows and lock-outs: long enough to count, short enough that a typo cannot lock for months. */
const window = durationIn(1, DAY);

const intIn = (min: number, max: number) =>
  z.string().transform((value, ctx) => {
    const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `expected an integer from ${min} to ${max}, got "${value}"` });
      return z.NEVER;
    }
    return n;
  });

const bool = z.string().transform((value, ctx) => {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  ctx.addIssue({ code: 'custom', message: `expected true or false, got "${value}"` });
  return z.NEVER;
});

const list = z.string().transform((value) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

const origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}, 'expected exact origins such as https://app.example.com (scheme, host and port only)');

// The one JWK Set validator, shared with `npm run keys` (which must never print a set this refuses).
const jwkSet = z.string().transform((value, ctx): JsonWebKeyLike[] => {
  const result = validateJwkSet(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.problem });
    return z.NEVER;
  }
  return [...result.keys];
});

/** More hops than this is "believe anyone" in disguise. */
const MAX_PROXY_HOPS = 10;

const trustProxy = z.string().transform((value, ctx): boolean | number | string[] => {
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

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: intIn(0, 65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// connection string')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: origin.optional(),
  CORS_ORIGINS: list.pipe(z.array(origin)).optional(),
  ADMIN_EMAIL: z.string().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  JWT_KEYS: jwkSet.optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).default('gatehouse'),
  // Bounds in every mode: short enough that a stolen token dies soon, long enough to outlast clock skew (30 s).
  ACCESS_TOKEN_TTL: durationIn(30, 3600).default(15 * 60),
  SESSION_IDLE_TTL: durationIn(60, 90 * DAY).default(7 * DAY),
  SESSION_ABSOLUTE_TTL: durationIn(60, 400 * DAY).default(30 * DAY),
  // A grace longer than a retry takes would answer a stolen token's replay instead of revoking the family.
  REFRESH_REUSE_GRACE: durationIn(0, 60).default(10),
  SESSION_CACHE_TTL: durationIn(1, 300).default(30),
  SESSION_SECRETS: list.optional(),
  COOKIE_SAMESITE: z.enum(['lax', 'strict', 'none']).default('lax'),
  TRUST_PROXY: trustProxy.default(false),
  GRAPHQL_INTROSPECTION: bool.optional(),
  CSRF_PREVENTION: bool.default(true),
  GRAPHQL_MAX_DEPTH: intIn(1, 100).default(10),
  GRAPHQL_MAX_COST: intIn(1, 1_000_000).default(5000),
  GRAPHQL_MAX_ALIASES: intIn(0, 1000).default(15),
  GRAPHQL_MAX_DIRECTIVES: intIn(0, 1000).default(50),
  GRAPHQL_MAX_TOKENS: intIn(10, 1_000_000).default(1000),
  RATE_LIMIT_LOGIN_FAILURES: intIn(1, 1000).default(5),
  RATE_LIMIT_LOGIN_LOCKOUT: durationIn(1, 3600).default(60),
  RATE_LIMIT_ACCOUNT_FAILURES: intIn(1, 1_000_000).default(20),
  RATE_LIMIT_ACCOUNT_FAILURES_WINDOW: window.default(3600),
  RATE_LIMIT_DEVICE_FAILURES: intIn(1, 1000).default(5),
  RATE_LIMIT_DEVICE_LOCKOUT: window.default(15 * 60),
  RATE_LIMIT_LOGIN_PER_IP: intIn(1, 1_000_000).default(100),
  RATE_LIMIT_LOGIN_PER_IP_WINDOW: window.default(15 * 60),
  RATE_LIMIT_REGISTER_PER_IP: intIn(1, 1_000_000).default(20),
  RATE_LIMIT_REGISTER_PER_IP_WINDOW: window.default(3600),
  RATE_LIMIT_REFRESH_PER_SESSION: intIn(1, 1_000_000).default(60),
  RATE_LIMIT_REFRESH_PER_SESSION_WINDOW: window.default(60),
});

/** PUBLIC_URL outside production when unset; production requires its own. */
export const DEVELOPMENT_PUBLIC_URL = 'http://localhost:4000';

/** Parses the environment into a frozen Config, or throws ConfigError naming the first bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  // An empty variable means "not set", as in most deployment tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`${name}: ${issue.message}`);
  }
  const e = result.data;
  const production = e.NODE_ENV === 'production';

  if ((e.ADMIN_EMAIL === undefined) !== (e.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('ADMIN_EMAIL: set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither');
  }
  if (e.SESSION_ABSOLUTE_TTL < e.SESSION_IDLE_TTL) {
    throw new ConfigError('SESSION_ABSOLUTE_TTL: must not be shorter than SESSION_IDLE_TTL');
  }
  if (e.SESSION_SECRETS !== undefined && e.SESSION_SECRETS.length === 0) {
    throw new ConfigError('SESSION_SECRETS: expected at least one secret');
  }
  if (production) {
    if (e.PUBLIC_URL === undefined) {
      throw new ConfigError(
        'PUBLIC_URL: required in production (the public https origin of the API, e.g. https://api.example.com)',
      );
    }
    if (!e.PUBLIC_URL.startsWith('https://')) {
      throw new ConfigError(`PUBLIC_URL: must be https in production, got "${e.PUBLIC_URL}"`);
    }
    if (e.JWT_KEYS === undefined) {
      throw new ConfigError(
        'JWT_KEYS: required in production (generate a set with `npm run keys -- generate`)',
      );
    }
    if (e.SESSION_SECRETS === undefined) {
      throw new ConfigError(
        'SESSION_SECRETS: required in production (comma-separated, each at least 32 bytes)',
      );
    }
    for (const [i, secret] of e.SESSION_SECRETS.entries()) {
      const weakness = secretWeakness(secret);
      if (weakness) {
        throw new ConfigError(
          `SESSION_SECRETS: entry ${i + 1} is ${weakness}; generate one with \`openssl rand -base64 48\``,
        );
      }
    }
    if (e.TRUST_PROXY === true) {
      // `true` believes X-Forwarded-For from anyone: every per-IP limit and audited address becomes the caller's choice.
      throw new ConfigError(
        'TRUST_PROXY: "true" is refused in production; set the hop count (e.g. 1) or the proxy addresses',
      );
    }
    const plain = e.CORS_ORIGINS?.find((o) => !o.startsWith('https://'));
    if (plain !== undefined) {
      // A credentialed origin over http can be impersonated by anyone on its network path.
      throw new ConfigError(`CORS_ORIGINS: must be https in production, got "${plain}"`);
    }
  }
  if (!e.CSRF_PREVENTION) {
    // Accepted as a name so that a deploy copying a tutorial's `CSRF_PREVENTION=false` fails loudly.
    throw new ConfigError(
      "CSRF_PREVENTION: cannot be turned off; Apollo's csrfPrevention stays on in every mode",
    );
  }
  if (e.COOKIE_SAMESITE === 'none' && !production) {
    // SameSite=None requires Secure, which browsers refuse over plain http in development.
    throw new ConfigError('COOKIE_SAMESITE: "none" requires Secure cookies, which only production sets');
  }

  const publicUrl = e.PUBLIC_URL ?? DEVELOPMENT_PUBLIC_URL;
  const config: Config = {
    nodeEnv: e.NODE_ENV,
    production,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    publicUrl,
    corsOrigins: e.CORS_ORIGINS,
    admin: e.ADMIN_EMAIL !== undefined ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD! } : undefined,
    jwt: {
      keys: e.JWT_KEYS,
      // Never the listening port: two instances, or one restarted elsewhere, must accept each other's tokens.
      issuer: e.JWT_ISSUER ?? publicUrl,
      audience: e.JWT_AUDIENCE,
      accessTokenTtlSec: e.ACCESS_TOKEN_TTL,
    },
    session: {
      idleTtlSec: e.SESSION_IDLE_TTL,
      absoluteTtlSec: e.SESSION_ABSOLUTE_TTL,
      refreshReuseGraceSec: e.REFRESH_REUSE_GRACE,
      cacheTtlSec: e.SESSION_CACHE_TTL,
      secrets: e.SESSION_SECRETS,
      cookieSameSite: e.COOKIE_SAMESITE,
    },
    trustProxy: e.TRUST_PROXY,
    graphql: {
      introspection: e.GRAPHQL_INTROSPECTION ?? !production,
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
    },
    rateLimit: {
      loginFailuresPerAccount: e.RATE_LIMIT_LOGIN_FAILURES,
      loginLockoutBaseSec: e.RATE_LIMIT_LOGIN_LOCKOUT,
      accountFailures: e.RATE_LIMIT_ACCOUNT_FAILURES,
      accountFailuresWindowSec: e.RATE_LIMIT_ACCOUNT_FAILURES_WINDOW,
      deviceFailures: e.RATE_LIMIT_DEVICE_FAILURES,
      deviceLockoutSec: e.RATE_LIMIT_DEVICE_LOCKOUT,
      loginAttemptsPerIp: e.RATE_LIMIT_LOGIN_PER_IP,
      loginAttemptsPerIpWindowSec: e.RATE_LIMIT_LOGIN_PER_IP_WINDOW,
      registerPerIp: e.RATE_LIMIT_REGISTER_PER_IP,
      registerPerIpWindowSec: e.RATE_LIMIT_REGISTER_PER_IP_WINDOW,
      refreshPerSession: e.RATE_LIMIT_REFRESH_PER_SESSION,
      refreshPerSessionWindowSec: e.RATE_LIMIT_REFRESH_PER_SESSION_WINDOW,
    },
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
