import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Transport } from '../authz/transport.js';
import type { SessionCache } from './session-cache.js';
import { checkSession, type SessionCheck, type SessionState } from './session-state.js';

/** Last-seen (and so the rolling idle expiry) is written at most this often per session. */
const TOUCH_INTERVAL_MS = 60_000;

/** Whether a credential's session may make this request, and who is behind it. */
export type Admission =
  | { readonly ok: true; readonly state: SessionState; readonly touched: boolean }
  | {
      readonly ok: false;
      readonly reason: 'SESSION_REVOKED' | 'SESSION_EXPIRED' | 'TRANSPORT_MISMATCH' | 'USER_MISMATCH';
    };

export interface SessionAdmissionOptions {
  readonly cache: Pick<SessionCache, 'get' | 'refresh' | 'touched'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly idleExpiry: (now: Date) => Date;
  /** Moves last-seen and the idle expiry of a session that is not revoked; resolves to the rows changed. */
  readonly recordActivity: (sessionId: string, lastSeenAt: Date, idleExpiresAt: Date) => Promise<number>;
}

export interface SessionAdmission {
  /**
   * The one check behind both transports: the session is live, was started on `transport` (a cookie session's id
   * in an access token, or the reverse, is refused) and, when the credential names one, belongs to `userId`; then
   * its last-seen moves (at most once a minute, in the background). `touched` says it did: the cookie is renewed.
   */
  admit(sessionId: string, transport: Transport, now: Date, userId?: string): Promise<Admission>;
  /** Is this session alive, and who is behind it? Denials are confirmed against the database. */
  check(sessionId: string, now?: Date): Promise<SessionCheck>;
  /** Starts the last-seen write for `state` when one is due; true when it did. Never blocks the request. */
  touch(state: SessionState, now?: Date): boolean;
  /** Resolves once every last-seen write started so far (and any started meanwhile) has finished. */
  settled(): Promise<void>;
}

/** Admits requests to sessions from the per-instance cache: no database read in the steady state. */
export function createSessionAdmission(options: SessionAdmissionOptions): SessionAdmission {
  const { cache, clock, logger, idleExpiry, recordActivity } = options;
  /** In-flight last-seen writes by session: one at a time per session, and what `settled` waits for. */
  const writes = new Map<string, Promise<void>>();

  const check = async (sessionId: string, now = clock.now()): Promise<SessionCheck> => {
    const result = checkSession(await cache.get(sessionId), now);
    if (result.ok) return result;
    // A cached denial might predate a reload that would allow it (never the reverse): ask the database.
    return checkSession(await cache.refresh(sessionId), now);
  };

  const touch = (state: SessionState, now = clock.now()): boolean => {
    const { sessionId } = state;
    if (now.getTime() - state.lastSeenAt.getTime() < TOUCH_INTERVAL_MS || writes.has(sessionId)) return false;
    const idleExpiresAt = idleExpiry(now);
    const write = (async () => {
      const updated = await recordActivity(sessionId, now, idleExpiresAt);
      // Only the timestamps move in the cache: the entry may have been reloaded with newer roles meanwhile.
      if (updated > 0) cache.touched(sessionId, now, idleExpiresAt);
    })()
      .catch((error: Error) => logger.warn({ err: error }, 'could not record session activity'))
      .finally(() => writes.delete(sessionId));
    writes.set(sessionId, write);
    return true;
  };

  return {
    async admit(sessionId, transport, now, userId) {
      const result = await check(sessionId, now);
      if (!result.ok) return result;
      const { state } = result;
      if (state.transport !== transport) return { ok: false, reason: 'TRANSPORT_MISMATCH' };
      if (userId !== undefined && state.user.id !== userId) return { ok: false, reason: 'USER_MISMATCH' };
      return { ok: true, state, touched: touch(state, now) };
    },
    check,
    touch,
    async settled() {
      while (writes.size > 0) await Promise.all(writes.values());
    },
  };
}
