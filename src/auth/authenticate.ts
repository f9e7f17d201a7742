import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { SessionService } from '../sessions/session-service.js';
import { Transport } from '../sessions/transport.js';
import { rejectBearer } from '../http/bearer-errors.js';
import type { AccessTokens } from './access-tokens.js';
import { viewerOf, type Viewer } from './viewer.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `authenticate`: the caller, or null when anonymous. */
    viewer?: Viewer | null;
  }
}

export interface AuthenticateOptions {
  readonly tokens: AccessTokens;
  readonly sessions: SessionService;
  /** express-session, configured with the session-table store. */
  readonly cookieSession: RequestHandler;
  readonly cookieName: string;
  /** Clears the session cookie with the attributes it was set with (or the browser keeps it). */
  readonly clearCookie: (res: Response) => void;
}

// RFC 6750 §2.1 b64token.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

/**
 * Decides who is calling. A bearer token, when present, decides alone: a bad one is a 401 and never falls back
 * to the cookie or to anonymous. Otherwise the session cookie, otherwise anonymous.
 */
export function createAuthenticate(options: AuthenticateOptions): RequestHandler {
  const { tokens, sessions, cookieSession, cookieName, clearCookie } = options;
  const cookiePresent = new RegExp(`(?:^|;\\s*)${cookieName.replace(/[^A-Za-z0-9_-]/g, '\\$&')}=`);

  const bearer = async (req: Request, res: Response, next: NextFunction, header: string) => {
    const match = BEARER.exec(header);
    if (!match)
      return rejectBearer(res, 'invalid_request', 'TOKEN_INVALID', 'Authorization must be "Bearer <token>"');
    const verified = await tokens.verify(match[1]!);
    if (!verified.ok) {
      const description =
        verified.reason === 'TOKEN_EXPIRED' ? 'The access token expired' : 'The access token is invalid';
      return rejectBearer(res, 'invalid_token', verified.reason, description);
    }
    const session = await sessions.check(verified.claims.sid);
    if (!session.ok) {
      const description =
        session.reason === 'SESSION_EXPIRED' ? 'The session expired' : 'The session was revoked';
      return rejectBearer(res, 'invalid_token', session.reason, description);
    }
    const { state } = session;
    if (state.user.id !== verified.claims.sub || state.transport !== Transport.BEARER) {
      return rejectBearer(res, 'invalid_token', 'TOKEN_INVALID', 'The access token is invalid');
    }
    sessions.touch(state);
    req.viewer = viewerOf(state);
    next();
  };

  const cookie = async (req: Request, res: Response) => {
    const sessionId = req.session?.sessionId;
    const result = sessionId ? await sessions.check(sessionId) : undefined;
    if (result?.ok) {
      req.viewer = viewerOf(result.state);
      return;
    }
    req.viewer = null;
    // An expired or revoked cookie makes the request anonymous and is cleared, so the browser stops sending it.
    if (cookiePresent.test(req.headers.cookie ?? '')) clearCookie(res);
  };

  return (req, res, next) => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      bearer(req, res, next, header).catch(next);
      return;
    }
    cookieSession(req, res, (error?: unknown) => {
      if (error) return next(error);
      cookie(req, res).then(() => next(), next);
    });
  };
}
