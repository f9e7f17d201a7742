import type { Request, RequestHandler, Response } from 'express';
import type { SessionCookieCodec } from './session-cookie.js';

/** Why a cookie session cannot be started on a request; the message is meant for the client. */
export type CookieSessionRefusal =
  | { readonly kind: 'BEARER_REQUEST'; readonly message: string }
  | { readonly kind: 'INSECURE_REQUEST'; readonly message: string };

/** Starts and ends cookie sessions on a request. */
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

export function createCookieSessions(options: {
  codec: SessionCookieCodec;
  expressSession: RequestHandler;
}): CookieSessions {
  const { codec, expressSession } = options;
  return {
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
      const session = req.session;
      await new Promise<void>((resolve, reject) => session.regenerate((e) => (e ? reject(e) : resolve())));
      req.session.sessionId = sessionId;
      await new Promise<void>((resolve, reject) => req.session.save((e) => (e ? reject(e) : resolve())));
    },
    end(res) {
      codec.clear(res);
    },
  };
}
