import { createHash } from 'node:crypto';
import session, { type CookieOptions, type SessionData } from 'express-session';
import { RevokeReason } from '../sessions/session.entity.js';
import type { SessionService } from '../sessions/session-service.js';

declare module 'express-session' {
  interface SessionData {
    /** The Session row this cookie belongs to. */
    sessionId: string;
  }
}

/** express-session ids are bearer secrets: only their SHA-256 reaches the database. */
export function hashCookieId(sid: string): string {
  return createHash('sha256').update(sid).digest('hex');
}

/** What the store needs of the sessions module. */
export type CookieStoreSessions = Pick<
  SessionService,
  'bindCookie' | 'idByCookieHash' | 'revoke' | 'check' | 'forkEm'
>;

/**
 * express-session store over the Session table: a cookie session *is* a Session row, so it is listed, revoked
 * and expired exactly like a bearer session. express-session uses it when a session starts (login, register):
 * `get` for the session the browser came with, `destroy` to revoke it, `set` to bind the new id.
 */
export class SessionTableStore extends session.Store {
  constructor(
    private readonly sessions: CookieStoreSessions,
    private readonly cookie: CookieOptions & { maxAge: number },
  ) {
    super();
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.lookup(sid).then(
      (data) => callback(null, data),
      (error) => callback(error),
    );
  }

  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    // Only a logged-in session is stored, and only by binding its id to the row created at login.
    if (!data.sessionId) return callback?.();
    this.sessions.bindCookie(data.sessionId, hashCookieId(sid)).then(
      () => callback?.(),
      (error) => callback?.(error),
    );
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    // Reached through regenerate() when a browser that already had a session logs in again: the old row dies.
    const em = this.sessions.forkEm();
    this.sessions
      .idByCookieHash(hashCookieId(sid))
      .then((id) => (id ? this.sessions.revoke(em, id, RevokeReason.REPLACED) : false))
      .then(
        () => callback?.(),
        (error) => callback?.(error),
      );
  }

  private async lookup(sid: string): Promise<SessionData | null> {
    const sessionId = await this.sessions.idByCookieHash(hashCookieId(sid));
    if (!sessionId) return null;
    const result = await this.sessions.check(sessionId);
    if (!result.ok) return null;
    const expires = new Date(Date.now() + this.cookie.maxAge);
    return {
      sessionId,
      cookie: { ...this.cookie, originalMaxAge: this.cookie.maxAge, expires },
    } as SessionData;
  }
}
