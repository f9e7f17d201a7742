import type { MikroORM } from '@mikro-orm/core';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import type { Logger } from '../logger.js';
import type { Invalidations } from './invalidations.js';
import { createSessionAdmission, type SessionAdmission } from './session-admission.js';
import type { SessionCache } from './session-cache.js';
import { createSessionCookieIndex, type SessionCookieIndex } from './session-cookie-index.js';
import { createSessionLifecycle, type SessionLifecycle } from './session-lifecycle.js';
import { RevokeReason } from './session.entity.js';
import type { SessionEventPublisher } from './session-events.js';

export interface SessionServiceOptions {
  readonly orm: MikroORM;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly idleTtlSec: number;
  readonly absoluteTtlSec: number;
  /** The per-instance cache of session state (SESSION_CACHE_TTL), kept honest by `invalidations`. */
  readonly cache: SessionCache;
  readonly invalidations: Invalidations;
  /** Where session starts and revocations are told to the user's live sockets. */
  readonly events?: SessionEventPublisher;
}

/**
 * Sessions as the rest of the app sees them: their lifecycle (the one writer of Session rows), admission of a
 * request to one (check, transport, last-seen), and the cookie index. Each job lives in its own module.
 */
export interface SessionService
  extends Omit<SessionLifecycle, 'recordActivity'>, SessionAdmission, SessionCookieIndex {
  /** A fresh EntityManager for work outside a request (express-session store callbacks). */
  forkEm(): Em;
}

export function createSessionService(options: SessionServiceOptions): SessionService {
  const { orm, clock, logger, cache, invalidations } = options;
  const forkEm = () => orm.em.fork() as Em;
  const { recordActivity, ...lifecycle } = createSessionLifecycle({
    clock,
    idleTtlSec: options.idleTtlSec,
    absoluteTtlSec: options.absoluteTtlSec,
    invalidations,
    events: options.events,
  });
  const admission = createSessionAdmission({
    cache,
    clock,
    logger,
    idleExpiry: lifecycle.idleExpiry,
    recordActivity: (sessionId, lastSeenAt, idleExpiresAt) =>
      recordActivity(forkEm(), sessionId, lastSeenAt, idleExpiresAt),
  });
  return {
    ...lifecycle,
    ...admission,
    ...createSessionCookieIndex({ orm }),
    forkEm,
  };
}

export { RevokeReason };
