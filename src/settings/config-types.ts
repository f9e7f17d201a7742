import type { Role } from '../authz/role.js';
import type { WebAuthnSettings } from './webauthn.js';
import type { JsonWebKeyLike } from './jwk-set.js';

/** Every setting Gatehouse reads, built once by `loadConfig` (src/config.ts), the only reader of `process.env`. */
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
  /** The WebAuthn relying party (passkeys): RP ID and the origins allowed to present them. */
  readonly webauthn: WebAuthnSettings;
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
  /** `Authorization: Bearer` token that `/metrics` requires; undefined: the route is not served. */
  readonly metricsToken: string | undefined;
  readonly graphql: {
    readonly introspection: boolean;
    readonly maxDepth: number;
    readonly maxCost: number;
    readonly maxAliases: number;
    readonly maxDirectives: number;
    readonly maxTokens: number;
  };
  /** How many argon2 hashes/verifications run at once (0: uncapped) and how many more may wait (then 429). */
  readonly passwordHashing: { readonly concurrency: number; readonly queue: number };
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
    /** Password-reset requests per address (silently dropped beyond it) and per IP (429). */
    readonly resetPerAddress: number;
    readonly resetPerAddressWindowSec: number;
    readonly resetPerIp: number;
    readonly resetPerIpWindowSec: number;
    /** Verification resends and email-change requests per user (each sends mail). */
    readonly accountMailPerUser: number;
    readonly accountMailPerUserWindowSec: number;
  };
  /** GraphQL over WebSocket (DESIGN §6.3): each bound is per instance. */
  readonly live: {
    readonly connectionInitTimeoutSec: number;
    readonly maxSocketsPerSession: number;
    readonly maxSocketsPerIp: number;
    /** Largest message a client may send (ws `maxPayload`; larger closes with 1009). */
    readonly maxMessageBytes: number;
    readonly maxSubscriptionsPerSocket: number;
    readonly maxSubscribesPerMinute: number;
    /** A socket whose unsent bytes exceed this is a slow consumer and is closed (1013). */
    readonly maxBufferedBytes: number;
  };
  readonly factors: {
    /**
     * FACTOR_ENCRYPTION_KEY: AES-256 keys (64 hex or 43 base64url characters each), the first encrypts and all
     * decrypt; undefined only outside production (a key is generated under `dataDir`).
     */
    readonly encryptionKeys: readonly string[] | undefined;
    /** REQUIRE_MFA_FOR_ROLES: a field that requires one of these roles requires `mfa` too. */
    readonly requireMfaForRoles: readonly Role[];
  };
  /** The account lifecycle: mailed links and how registration proves an address (DESIGN §6.1). */
  readonly accounts: {
    /** `open`: logged in at once; `verify-first`: no session until the mailed link is followed. */
    readonly registration: 'open' | 'verify-first';
    readonly verificationTtlSec: number;
    readonly resetTtlSec: number;
    readonly emailChangeTtlSec: number;
  };
  readonly mail: MailConfig;
}

/** Where mail goes and how the outbox retries it (DESIGN §6.1). */
export interface MailConfig {
  /** Holds the SMTP password: never logged. Undefined (outside production only): mail goes to `DATA_DIR/outbox/`. */
  readonly smtpUrl: string | undefined;
  readonly from: string;
  /** The web app that handles links (`APP_URL/reset-password?token=…`); defaults to PUBLIC_URL. */
  readonly appUrl: string;
  /** Attempts before a mail is given up (marked failed and audited). */
  readonly maxAttempts: number;
  /** The first retry waits about this long, each next one twice as long, up to the cap. */
  readonly retryBaseSec: number;
  readonly retryCapSec: number;
  /** How often each instance looks for due mail besides being woken by a commit. */
  readonly pollIntervalSec: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
