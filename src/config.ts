import { z } from 'zod';
import { parseDuration } from './duration.js';

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
    readonly loginAttemptsPerIp: number;
    readonly loginAttemptsPerIpWindowSec: number;
    readonly registerPerIp: number;
    readonly registerPerIpWindowSec: number;
    readonly refreshPerSession: number;
    readonly refreshPerSessionWindowSec: number;
  };
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The members of a JWK we rely on before jose imports it. */
export interface JsonWebKeyLike {
  readonly kty: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly crv?: string;
  readonly [member: string]: unknown;
}

/** A setting that failed validation; `main` prints its message and exits non-zero. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const duration = z.string().transform((value, ctx) => {
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 30s, 15m or 7d, got "${value}"` });
    return z.NEVER;
  }
  return seconds;
});

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

const jwkSet = z.string().transform((value, ctx) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected a JWK Set as JSON: {"keys":[...]}' });
    return z.NEVER;
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'expected a JWK Set with at least one key: {"keys":[...]}' });
    return z.NEVER;
  }
  for (const [i, key] of keys.entries()) {
    const k = key as Record<string, unknown>;
    const supported = (k.kty === 'OKP' && k.crv === 'Ed25519') || (k.kty === 'EC' && k.crv === 'P-256');
    if (!supported) {
      ctx.addIssue({
        code: 'custom',
        message: `key ${i}: unsupported key type (use OKP/Ed25519 or EC/P-256)`,
      });
      return z.NEVER;
    }
    if (typeof k.d !== 'string') {
      ctx.addIssue({ code: 'custom', message: `key ${i}: a private key is required (member "d")` });
      return z.NEVER;
    }
    if (typeof k.kid !== 'string' || k.kid.length === 0) {
      ctx.addIssue({ code: 'custom', message: `key ${i}: every key needs a "kid"` });
      return z.NEVER;
    }
  }
  const kids = keys.map((k: { kid: string }) => k.kid);
  if (new Set(kids).size !== kids.length) {
    ctx.addIssue({ code: 'custom', message: 'two keys share a "kid"' });
    return z.NEVER;
  }
  return keys as JsonWebKeyLike[];
});

const trustProxy = z.string().transform((value): boolean | number | string[] => {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === 'off' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
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
  CORS_ORIGINS: list.pipe(z.array(origin)).optional(),
  ADMIN_EMAIL: z.string().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  JWT_KEYS: jwkSet.optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).default('gatehouse'),
  ACCESS_TOKEN_TTL: duration.default(15 * 60),
  SESSION_IDLE_TTL: duration.default(7 * 86400),
  SESSION_ABSOLUTE_TTL: duration.default(30 * 86400),
  REFRESH_REUSE_GRACE: duration.default(10),
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
  RATE_LIMIT_LOGIN_LOCKOUT: duration.default(60),
  RATE_LIMIT_ACCOUNT_FAILURES: intIn(1, 1_000_000).default(20),
  RATE_LIMIT_ACCOUNT_FAILURES_WINDOW: duration.default(3600),
  RATE_LIMIT_LOGIN_PER_IP: intIn(1, 1_000_000).default(100),
  RATE_LIMIT_LOGIN_PER_IP_WINDOW: duration.default(15 * 60),
  RATE_LIMIT_REGISTER_PER_IP: intIn(1, 1_000_000).default(20),
  RATE_LIMIT_REGISTER_PER_IP_WINDOW: duration.default(3600),
  RATE_LIMIT_REFRESH_PER_SESSION: intIn(1, 1_000_000).default(60),
  RATE_LIMIT_REFRESH_PER_SESSION_WINDOW: duration.default(60),
});

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
    const weak = e.SESSION_SECRETS.findIndex((s) => Buffer.byteLength(s) < 32);
    if (weak >= 0) {
      throw new ConfigError(`SESSION_SECRETS: entry ${weak + 1} is shorter than 32 bytes`);
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

  const config: Config = {
    nodeEnv: e.NODE_ENV,
    production,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    corsOrigins: e.CORS_ORIGINS,
    admin: e.ADMIN_EMAIL !== undefined ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD! } : undefined,
    jwt: {
      keys: e.JWT_KEYS,
      issuer: e.JWT_ISSUER ?? `http://localhost:${e.PORT}`,
      audience: e.JWT_AUDIENCE,
      accessTokenTtlSec: e.ACCESS_TOKEN_TTL,
    },
    session: {
      idleTtlSec: e.SESSION_IDLE_TTL,
      absoluteTtlSec: e.SESSION_ABSOLUTE_TTL,
      refreshReuseGraceSec: e.REFRESH_REUSE_GRACE,
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
