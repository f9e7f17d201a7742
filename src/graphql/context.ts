import type { Request, Response } from 'express';
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import type { Logger } from '../logger.js';
import type { AccessTokens } from '../auth/access-tokens.js';
import type { CredentialCheck } from '../auth/credentials.js';
import type { DeviceCookie } from '../auth/device-cookie.js';
import type { DeviceTokens } from '../auth/device-tokens.js';
import type { RateLimits } from '../auth/rate-limits.js';
import type { RefreshTokenService } from '../auth/refresh-tokens.js';
import type { Viewer } from '../authz/viewer.js';
import type { AuditLog, RequestMeta } from '../audit/audit-log.js';
import type { CookieSessions } from '../sessions/cookie-sessions.js';
import type { SessionService } from '../sessions/session-service.js';

/** The long-lived collaborators resolvers use; built once by the composition root. */
export interface Services {
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sessions: SessionService;
  readonly accessTokens: AccessTokens;
  readonly refreshTokens: RefreshTokenService;
  readonly credentials: CredentialCheck;
  readonly cookies: CookieSessions;
  readonly audit: AuditLog;
  readonly rateLimits: RateLimits;
  readonly deviceTokens: DeviceTokens;
  readonly deviceCookie: DeviceCookie;
}

/** Per request: one EntityManager fork, the caller, and the request itself. */
export interface GraphQLContext {
  readonly em: Em;
  /** Mutable only so that login/register/logout can speak for the new state in the rest of the response. */
  viewer: Viewer | null;
  readonly meta: RequestMeta;
  readonly req: Request;
  readonly res: Response;
  readonly services: Services;
  /**
   * Members a resolver adds to this response's top-level `extensions` (changePassword hands a bearer caller its
   * renewed token pair there, its result being a Boolean). Copied by response-extensions.ts.
   */
  extensions?: Record<string, unknown>;
}
