import { environmentSchema } from './settings/environment.js';
import { availableParallelism } from 'node:os';
import { secretWeakness } from './settings/secret-strength.js';
import { webAuthnSettings } from './settings/webauthn.js';

export type { JsonWebKeyLike } from './settings/jwk-set.js';
// The shape of the configuration lives beside its parsers; this module builds it.
export type { Config, LogLevel, MailConfig } from './settings/config-types.js';
import type { Config } from './settings/config-types.js';

/** A setting that failed validation; `main` prints its message and exits non-zero. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** PASSWORD_HASH_CONCURRENCY's default: one CPU fewer than the machine has, at least one (the event loop's). */
export function defaultHashConcurrency(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** PUBLIC_URL outside production when unset; production requires its own. */
export const DEVELOPMENT_PUBLIC_URL = 'http://localhost:4000';

/** Parses the environment into a frozen Config, or throws ConfigError naming the first bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  // An empty variable means "not set", as in most deployment tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = environmentSchema.safeParse(present);
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
    if (e.FACTOR_ENCRYPTION_KEY === undefined) {
      throw new ConfigError(
        'FACTOR_ENCRYPTION_KEY: required in production (encrypts TOTP secrets; generate one with `openssl rand -hex 32`)',
      );
    }
    if (e.TRUST_PROXY === true) {
      // `true` believes X-Forwarded-For from anyone: every per-IP limit and audited address becomes the caller's choice.
      throw new ConfigError(
        'TRUST_PROXY: "true" is refused in production; set the hop count (e.g. 1) or the proxy addresses',
      );
    }
    if (e.SMTP_URL === undefined) {
      // Without it mail would only be written to files on this one machine: no user could verify or reset.
      throw new ConfigError(
        'SMTP_URL: required in production (smtp://user:pass@host:587 or smtps://user:pass@host:465)',
      );
    }
    if (e.APP_URL !== undefined && !e.APP_URL.startsWith('https://')) {
      // The links carry single-use tokens: over plain http anyone on the path could spend them first.
      throw new ConfigError(`APP_URL: must be https in production, got "${e.APP_URL}"`);
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
  if (e.MAIL_RETRY_CAP < e.MAIL_RETRY_BASE) {
    throw new ConfigError('MAIL_RETRY_CAP: must not be shorter than MAIL_RETRY_BASE');
  }
  if (e.COOKIE_SAMESITE === 'none' && !production) {
    // SameSite=None requires Secure, which browsers refuse over plain http in development.
    throw new ConfigError('COOKIE_SAMESITE: "none" requires Secure cookies, which only production sets');
  }

  const publicUrl = e.PUBLIC_URL ?? DEVELOPMENT_PUBLIC_URL;
  const webauthn = webAuthnSettings({
    publicUrl,
    production,
    rpId: e.WEBAUTHN_RP_ID,
    origins: e.WEBAUTHN_ORIGINS,
    corsOrigins: e.CORS_ORIGINS,
  });
  if (!webauthn.ok) throw new ConfigError(`${webauthn.variable}: ${webauthn.message}`);
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
    webauthn: webauthn.value,
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
    metricsToken: e.METRICS_TOKEN,
    graphql: {
      introspection: e.GRAPHQL_INTROSPECTION ?? !production,
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
    },
    passwordHashing: {
      concurrency: e.PASSWORD_HASH_CONCURRENCY ?? defaultHashConcurrency(),
      queue: e.PASSWORD_HASH_QUEUE,
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
      resetPerAddress: e.RATE_LIMIT_RESET_PER_ADDRESS,
      resetPerAddressWindowSec: e.RATE_LIMIT_RESET_PER_ADDRESS_WINDOW,
      resetPerIp: e.RATE_LIMIT_RESET_PER_IP,
      resetPerIpWindowSec: e.RATE_LIMIT_RESET_PER_IP_WINDOW,
      accountMailPerUser: e.RATE_LIMIT_ACCOUNT_MAIL_PER_USER,
      accountMailPerUserWindowSec: e.RATE_LIMIT_ACCOUNT_MAIL_PER_USER_WINDOW,
    },
    accounts: {
      registration: e.REGISTRATION,
      verificationTtlSec: e.EMAIL_VERIFICATION_TTL,
      resetTtlSec: e.PASSWORD_RESET_TTL,
      emailChangeTtlSec: e.EMAIL_CHANGE_TTL,
    },
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM ?? `Gatehouse <no-reply@${new URL(publicUrl).hostname}>`,
      appUrl: e.APP_URL ?? publicUrl,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
      retryBaseSec: e.MAIL_RETRY_BASE,
      retryCapSec: e.MAIL_RETRY_CAP,
      pollIntervalSec: e.MAIL_POLL_INTERVAL,
    },
    factors: {
      encryptionKeys: e.FACTOR_ENCRYPTION_KEY,
      requireMfaForRoles: [...new Set(e.REQUIRE_MFA_FOR_ROLES)],
    },
    live: {
      connectionInitTimeoutSec: e.WS_CONNECTION_INIT_TIMEOUT,
      maxSocketsPerSession: e.WS_MAX_SOCKETS_PER_SESSION,
      maxSocketsPerIp: e.WS_MAX_SOCKETS_PER_IP,
      maxMessageBytes: e.WS_MAX_MESSAGE_BYTES,
      maxSubscriptionsPerSocket: e.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      maxSubscribesPerMinute: e.WS_MAX_SUBSCRIBES_PER_MINUTE,
      maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
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
