import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { hashCookieId } from '../sessions/cookie-store.js';
import type { Clock } from '../clock.js';
import type { SessionCookieCodec } from '../sessions/session-cookie.js';
import type { SessionService } from '../sessions/session-service.js';
import { Transport } from '../authz/transport.js';
import { rejectBearer } from '../http/bearer-errors.js';
import type { AccessTokens } from './access-tokens.js';
import { viewerOf, type Viewer } from '../authz/viewer.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `authenticate`: the caller, or null when anonymous. */
    viewer?: Viewer | null;
  }
}

export interface AuthenticateOptions {
  readonly clock: Clock;
  readonly tokens: AccessTokens;
  readonly sessions: SessionService;
  readonly cookie: SessionCookieCodec;
}

const SCHEME = 'Bearer ';
// RFC 6750 §2.1 b64token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Decides who is calling. A bearer token, when present, decides alone: a bad one is a 401 and never falls back
 * to the cookie or to anonymous. Otherwise the session cookie, otherwise anonymous.
 */
export function createAuthenticate(options: AuthenticateOptions): RequestHandler {
  const { clock, tokens, sessions, cookie } = options;

  const bearer = async (req: Request, res: Response, next: NextFunction, header: string) => {
    const malformed = () =>
      rejectBearer(res, 'invalid_request', 'TOKEN_INVALID', 'Authorization must be "Bearer <token>"');
    // RFC 7235 §2.1: the scheme name is case-insensitive.
    if (!header.startsWith(SCHEME) && header.slice(0, SCHEME.length).toLowerCase() !== 'bearer ')
      return malformed();
    const token = header.slice(SCHEME.length);
    const now = clock.now(); // read once per request
    const verified = await tokens.verify(token, now);
    if (!verified.ok) {
      // The shape is only checked when the token failed: a valid token is well-formed by construction.
      if (!B64TOKEN.test(token)) return malformed();
      const description =
        verified.reason === 'TOKEN_EXPIRED' ? 'The access token expired' : 'The access token is invalid';
      return rejectBearer(res, 'invalid_token', verified.reason, description);
    }
    const session = await sessions.check(verified.claims.sid, now);
    if (!session.ok) {
      const description =
        session.reason === 'SESSION_EXPIRED' ? 'The session expired' : 'The session was revoked';
      return rejectBearer(res, 'invalid_token', session.reason, description);
    }
    const { state } = session;
    if (state.user.id !== verified.claims.sub || state.transport !== Transport.BEARER) {
      return rejectBearer(res, 'invalid_token', 'TOKEN_INVALID', 'The access token is invalid');
    }
    sessions.touch(state, now);
    req.viewer = viewerOf(state);
    next();
  };

  // The cookie is read here directly (not by express-session on every request): no session object, no Set-Cookie
  // on every answer; the cookie is re-issued with a fresh expiry when the idle expiry moves (at most once a minute).
  // A verified cookie is remembered (like a verified token), so its signature and hash are computed once; whether
  // its session is still alive is checked on every request.
  const knownCookies = new LRUCache<string, { sid: string; sessionId: string }>({ max: 10_000 });
  const byCookie = async (req: Request, res: Response) => {
    req.viewer = null;
    const raw = cookie.find(req.headers.cookie);
    if (raw === undefined) return;
    let known = knownCookies.get(raw);
    if (!known) {
      const sid = cookie.verify(raw);
      const sessionId = sid ? await sessions.idByCookieHash(hashCookieId(sid)) : null;
      if (sid && sessionId) knownCookies.set(raw, (known = { sid, sessionId }));
    }
    const now = clock.now();
    const result = known ? await sessions.check(known.sessionId, now) : undefined;
    if (known && result?.ok && result.state.transport === Transport.COOKIE) {
      req.viewer = viewerOf(result.state);
      if (sessions.touch(result.state, now)) cookie.write(res, known.sid);
      return;
    }
    // An expired, revoked or forged cookie makes the request anonymous and is cleared.
    if (known) knownCookies.delete(raw);
    cookie.clear(res);
  };

  return (req, res, next) => {
    const header = req.headers.authorization;
    if (header !== undefined) bearer(req, res, next, header).catch(next);
    else byCookie(req, res).then(() => next(), next);
  };
}
