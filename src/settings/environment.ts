import { z } from 'zod';
import { Role } from '../authz/role.js';
import { factorKeys } from './factor-keys.js';
import { bool, DAY, durationIn, intIn, jwkSet, list, origin, trustProxy, window } from './fields.js';
import { rpIdField } from './webauthn.js';
import { appUrl, mailbox, smtpUrl } from './mail-fields.js';

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
  WEBAUTHN_RP_ID: rpIdField.optional(),
  WEBAUTHN_ORIGINS: list.pipe(z.array(origin)).optional(),
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
  // argon2 operations at once (default: CPUs - 1, at least 1; 0: no cap) and how many more may wait for a slot.
  PASSWORD_HASH_CONCURRENCY: intIn(0, 256).optional(),
  PASSWORD_HASH_QUEUE: intIn(0, 100_000).default(64),
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
  // Encrypts TOTP secrets at rest; required in production (config.ts), generated under DATA_DIR otherwise.
  FACTOR_ENCRYPTION_KEY: factorKeys.optional(),
  // Every field that requires one of these roles also requires a session established with two factors.
  REQUIRE_MFA_FOR_ROLES: list
    .pipe(
      z.array(z.nativeEnum(Role, { message: `expected a comma list of ${Object.values(Role).join(', ')}` })),
    )
    .default([]),
  // The account lifecycle (DESIGN §6.1). A link must outlive a slow mail, and die soon after it could be read.
  REGISTRATION: z.enum(['open', 'verify-first']).default('open'),
  EMAIL_VERIFICATION_TTL: durationIn(5 * 60, 7 * DAY).default(DAY),
  PASSWORD_RESET_TTL: durationIn(5 * 60, 4 * 3600).default(30 * 60),
  EMAIL_CHANGE_TTL: durationIn(5 * 60, DAY).default(3600),
  // DESIGN §6.1: at least 3 reset requests per address per 15 minutes get through, whatever the settings.
  RATE_LIMIT_RESET_PER_ADDRESS: intIn(3, 1000).default(3),
  RATE_LIMIT_RESET_PER_ADDRESS_WINDOW: durationIn(1, 15 * 60).default(15 * 60),
  RATE_LIMIT_RESET_PER_IP: intIn(1, 1_000_000).default(20),
  RATE_LIMIT_RESET_PER_IP_WINDOW: window.default(3600),
  RATE_LIMIT_ACCOUNT_MAIL_PER_USER: intIn(1, 1000).default(5),
  RATE_LIMIT_ACCOUNT_MAIL_PER_USER_WINDOW: window.default(3600),
  // Mail (DESIGN §6.1). Retries: 10 attempts from 30 s doubling to 1 h ride out an SMTP outage of about 3 hours.
  SMTP_URL: smtpUrl.optional(),
  MAIL_FROM: mailbox.optional(),
  APP_URL: appUrl.optional(),
  MAIL_MAX_ATTEMPTS: intIn(1, 50).default(10),
  MAIL_RETRY_BASE: durationIn(1, 3600).default(30),
  MAIL_RETRY_CAP: durationIn(1, DAY).default(3600),
  MAIL_POLL_INTERVAL: durationIn(1, 300).default(1),
  // Live GraphQL (WebSocket): every socket holds memory and a session check per event, so each is bounded.
  WS_CONNECTION_INIT_TIMEOUT: durationIn(1, 60).default(10),
  WS_MAX_SOCKETS_PER_SESSION: intIn(1, 1000).default(10),
  WS_MAX_SOCKETS_PER_IP: intIn(1, 1_000_000).default(200),
  WS_MAX_MESSAGE_BYTES: intIn(1024, 1024 * 1024).default(64 * 1024),
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: intIn(1, 1000).default(20),
  WS_MAX_SUBSCRIBES_PER_MINUTE: intIn(1, 100_000).default(60),
  WS_MAX_BUFFERED_BYTES: intIn(16 * 1024, 64 * 1024 * 1024).default(1024 * 1024),
});
