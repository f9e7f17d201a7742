import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import { LRUCache } from 'lru-cache';
import { hashCookieId, SessionTableStore, type CookieStoreSessions } from './cookie-store.js';
import { createSessionCookieCodec, type SessionCookieCodec } from './session-cookie.js';

/** Why a cookie session cannot be started on a request; the message is meant for the client. */
export type CookieSessionRefusal =
  | { readonly kind: 'BEARER_REQUEST'; readonly message: string }
  | { readonly kind: 'INSECURE_REQUEST'; readonly message: string };

/** Starts and ends cookie sessions on a request (what the login, register and logout flows need). */
export interface CookieSessions {
  /**
   * Whether a cookie session can be started on this request: null when it can, else why not. Callers ask before
   * anything is written (password check, user, Session row, audit, counters), so a refusal leaves no trace.
   */
  refusal(req: Request): CookieSessionRefusal | null;
  /**
   * Issues a new session id bound to the Session row, through express-session and the session-table store:
   * never the id the browser came with (fixation); a session the browser already had is revoked as REPLACED.
   * Only for a request `refusal` accepted.
   */
  establish(req: Request, res: Response, sessionId: string): Promise<void>;
  /** Clears the cookie (the caller has revoked the row). */
  end(res: Response): void;
}

/** A session cookie whose signature verified and whose id is bound to a Session row. */
export interface CookieCredential {
  /** The cookie's value as sent (the verified-cookie cache's key). */
  readonly raw: string;
  /** The express-session id inside it. */
  readonly sid: string;
  readonly sessionId: string;
}

/** The cookie transport: turns a Cookie header into a session id, and starts, renews and ends cookie sessions. */
export interface CookieTransport extends CookieSessions {
  readonly name: string;
  /**
   * The session a Cookie header names: undefined when it carries no session cookie, null when the cookie is
   * forged, mangled, signed with a retired secret or bound to no session (the caller clears it).
   */
  identify(cookieHeader: string | undefined): Promise<CookieCredential | null | undefined>;
  /** Forgets a credential whose session turned out dead, so the cookie is verified again if it comes back. */
  forget(credential: CookieCredential): void;
  /** Re-issues the cookie with a fresh expiry (its session's idle expiry moved). */
  renew(res: Response, sid: string): void;
}

export interface CookieTransportOptions {
  readonly production: boolean;
  readonly sameSite: 'lax' | 'strict' | 'none';
  /** The cookie lives as long as an unused session (SESSION_IDLE_TTL), and is renewed as the session is used. */
  readonly idleTtlSec: number;
  /** SESSION_SECRETS: the first signs, every one verifies. */
  readonly secrets: readonly string[];
  readonly sessions: CookieStoreSessions;
  /** How many verified cookies to remember. */
  readonly cacheSize?: number;
}

const BEARER_REQUEST: CookieSessionRefusal = {
  kind: 'BEARER_REQUEST',
  message:
    'A cookie session cannot be started on a bearer-authenticated request: ' +
    'drop the Authorization header, or use transport BEARER',
};

const INSECURE_REQUEST: CookieSessionRefusal = {
  kind: 'INSECURE_REQUEST',
  message: 'Cookie sessions need HTTPS (set TRUST_PROXY behind a TLS proxy)',
};

/**
 * The session cookie's name and attributes. In production it is `__Host-sid`: a browser accepts that name only
 * with Secure, Path=/ and no Domain, so no subdomain can plant or overwrite it. HttpOnly always: no script reads it.
 */
export function sessionCookieSettings(
  options: Pick<CookieTransportOptions, 'production' | 'sameSite' | 'idleTtlSec'>,
): {
  name: string;
  attributes: CookieOptions & { maxAge: number };
} {
  return {
    name: options.production ? '__Host-sid' : 'sid',
    attributes: {
      httpOnly: true,
      secure: options.production,
      sameSite: options.sameSite,
      path: '/',
      maxAge: options.idleTtlSec * 1000,
    },
  };
}

export function createCookieTransport(options: CookieTransportOptions): CookieTransport {
  const { name, attributes } = sessionCookieSettings(options);
  const codec: SessionCookieCodec = createSessionCookieCodec(name, options.secrets, attributes);
  const expressSession: RequestHandler = session({
    name,
    secret: [...options.secrets],
    store: new SessionTableStore(options.sessions, attributes),
    resave: false,
    saveUninitialized: false,
    unset: 'destroy',
    cookie: attributes,
  });
  // A verified cookie is remembered (like a verified token), so its signature and its hash's lookup are paid once;
  // whether its session is still alive is asked on every request, by the caller.
  const verified = new LRUCache<string, CookieCredential>({ max: options.cacheSize ?? 10_000 });

  return {
    name,
    async identify(cookieHeader) {
      const raw = codec.find(cookieHeader);
      if (raw === undefined) return undefined;
      const known = verified.get(raw);
      if (known) return known;
      const sid = codec.verify(raw);
      if (sid === null) return null;
      const sessionId = await options.sessions.idByCookieHash(hashCookieId(sid));
      if (sessionId === null) return null;
      const credential = { raw, sid, sessionId };
      verified.set(raw, credential);
      return credential;
    },
    forget(credential) {
      verified.delete(credential.raw);
    },
    renew(res, sid) {
      codec.write(res, sid);
    },
    refusal(req) {
      // The token decides who a bearer request is (authenticate.ts); a cookie minted beside it would be a second,
      // unasked-for credential, and the response could not say which one it speaks for.
      if (req.headers.authorization !== undefined) return BEARER_REQUEST;
      // express-session silently drops a Secure cookie on a request it does not consider secure, which it decides
      // exactly by `req.secure` (TLS, or X-Forwarded-Proto from a TRUST_PROXY hop): the login would "succeed" with
      // no cookie and leave a live Session row behind.
      if (codec.secure && !req.secure) return INSECURE_REQUEST;
      return null;
    },
    async establish(req, res, sessionId) {
      // express-session runs only here, on login and register, not on every request (see authenticate.ts).
      await new Promise<void>((resolve, reject) =>
        expressSession(req, res, (e?: unknown) => (e ? reject(e) : resolve())),
      );
      const current = req.session;
      await new Promise<void>((resolve, reject) => current.regenerate((e) => (e ? reject(e) : resolve())));
      req.session.sessionId = sessionId;
      await new Promise<void>((resolve, reject) => req.session.save((e) => (e ? reject(e) : resolve())));
    },
    end(res) {
      codec.clear(res);
    },
  };
}
