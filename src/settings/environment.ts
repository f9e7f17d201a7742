import { z } from 'zod';
import { bool, DAY, durationIn, intIn, jwkSet, list, origin, trustProxy, window } from './fields.js';

/**
 * Every environment variable Gatehouse reads, with its parser, bounds and default. Cross-variable rules (production
 * requirements, one setting against another) are config.ts's.
 */
export const environmentSchema = z.object({
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
  // A bearer token for the Prometheus scraper; unset, /metrics is not served at all.
  METRICS_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
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
  // Live GraphQL (WebSocket): every socket holds memory and a session check per event, so each is bounded.
  WS_CONNECTION_INIT_TIMEOUT: durationIn(1, 60).default(10),
  WS_MAX_SOCKETS_PER_SESSION: intIn(1, 1000).default(10),
  WS_MAX_SOCKETS_PER_IP: intIn(1, 1_000_000).default(200),
  WS_MAX_MESSAGE_BYTES: intIn(1024, 1024 * 1024).default(64 * 1024),
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: intIn(1, 1000).default(20),
  WS_MAX_SUBSCRIBES_PER_MINUTE: intIn(1, 100_000).default(60),
  WS_MAX_BUFFERED_BYTES: intIn(16 * 1024, 64 * 1024 * 1024).default(1024 * 1024),
});
