import { Transport } from '../authz/transport.js';
import { viewerOf, type Viewer } from '../authz/viewer.js';
import type { SessionAdmission } from '../sessions/session-admission.js';
import type { AccessTokens } from './access-tokens.js';
import type { CookieTransport } from './cookie-transport.js';

/** The request headers that carry a credential: all an HTTP request or a WebSocket upgrade has to offer. */
export interface CredentialHeaders {
  readonly authorization?: string;
  readonly cookie?: string;
}

/** Why a bearer request is refused (RFC 6750 §3.1), in the words the response carries. */
export interface Rejection {
  readonly kind: 'rejected';
  readonly status: 400 | 401;
  readonly error: 'invalid_request' | 'invalid_token';
  readonly reason: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'SESSION_REVOKED' | 'SESSION_EXPIRED';
  readonly description: string;
}

/**
 * Who is calling. `cookie` tells the response what to do with the session cookie: renew it (its session's idle
 * expiry moved) or clear it (it names no live session).
 */
export type Identification =
  | { readonly kind: 'anonymous'; readonly cookie?: { readonly kind: 'clear' } }
  | {
      readonly kind: 'viewer';
      readonly viewer: Viewer;
      readonly cookie?: { readonly kind: 'renew'; readonly sid: string };
    }
  | Rejection;

/** Decides who is calling from a request's credential headers, at `now`. */
export type Authenticate = (headers: CredentialHeaders, now: Date) => Promise<Identification>;

export interface AuthenticateOptions {
  readonly tokens: Pick<AccessTokens, 'verify'>;
  readonly sessions: Pick<SessionAdmission, 'admit'>;
  readonly cookies: Pick<CookieTransport, 'identify' | 'forget'>;
}

const SCHEME = 'Bearer ';
// RFC 6750 §2.1 b64token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

const ANONYMOUS: Identification = { kind: 'anonymous' };
const CLEAR_COOKIE: Identification = { kind: 'anonymous', cookie: { kind: 'clear' } };
const MALFORMED = rejectToken('invalid_request', 'TOKEN_INVALID', 'Authorization must be "Bearer <token>"');
const TOKEN_INVALID = rejectToken('invalid_token', 'TOKEN_INVALID', 'The access token is invalid');
const TOKEN_EXPIRED = rejectToken('invalid_token', 'TOKEN_EXPIRED', 'The access token expired');
const SESSION_REVOKED = rejectToken('invalid_token', 'SESSION_REVOKED', 'The session was revoked');
const SESSION_EXPIRED = rejectToken('invalid_token', 'SESSION_EXPIRED', 'The session expired');

/**
 * One identification path for both transports: each turns its credential into a session id, and one admission
 * (`sessions.admit`) decides. A bearer token, when present, decides alone: a bad one is refused and never falls back
 * to the cookie or to anonymous. Otherwise the session cookie; an expired, revoked or forged one makes the request
 * anonymous and is cleared. Otherwise anonymous.
 */
export function createAuthenticate(options: AuthenticateOptions): Authenticate {
  const { tokens, sessions, cookies } = options;

  const byToken = async (header: string, now: Date): Promise<Identification> => {
    // RFC 7235 §2.1: the scheme name is case-insensitive.
    if (!header.startsWith(SCHEME) && header.slice(0, SCHEME.length).toLowerCase() !== 'bearer ')
      return MALFORMED;
    const token = header.slice(SCHEME.length);
    const verified = await tokens.verify(token, now);
    if (!verified.ok) {
      // The shape is only checked when the token failed: a valid token is well-formed by construction.
      if (!B64TOKEN.test(token)) return MALFORMED;
      return verified.reason === 'TOKEN_EXPIRED' ? TOKEN_EXPIRED : TOKEN_INVALID;
    }
    const admission = await sessions.admit(verified.sessionId, Transport.BEARER, now, verified.userId);
    if (admission.ok) return { kind: 'viewer', viewer: viewerOf(admission.state) };
    if (admission.reason === 'SESSION_REVOKED') return SESSION_REVOKED;
    if (admission.reason === 'SESSION_EXPIRED') return SESSION_EXPIRED;
    // A cookie session's id, or another user's, in a token we signed: not a credential for this session.
    return TOKEN_INVALID;
  };

  const byCookie = async (header: string | undefined, now: Date): Promise<Identification> => {
    const credential = await cookies.identify(header);
    if (credential === undefined) return ANONYMOUS;
    if (credential === null) return CLEAR_COOKIE;
    const admission = await sessions.admit(credential.sessionId, Transport.COOKIE, now);
    if (!admission.ok) {
      cookies.forget(credential);
      return CLEAR_COOKIE;
    }
    const viewer = viewerOf(admission.state);
    // The cookie is re-issued only when the idle expiry moved (at most once a minute), not on every answer.
    return admission.touched
      ? { kind: 'viewer', viewer, cookie: { kind: 'renew', sid: credential.sid } }
      : { kind: 'viewer', viewer };
  };

  return (headers, now) =>
    headers.authorization !== undefined ? byToken(headers.authorization, now) : byCookie(headers.cookie, now);
}

function rejectToken(error: Rejection['error'], reason: Rejection['reason'], description: string): Rejection {
  return { kind: 'rejected', status: error === 'invalid_token' ? 401 : 400, error, reason, description };
}
