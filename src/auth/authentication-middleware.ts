import type { RequestHandler } from 'express';
import type { Clock } from '../clock.js';
import type { Viewer } from '../authz/viewer.js';
import { rejectBearer } from '../http/bearer-errors.js';
import type { Authenticate } from './authenticate.js';
import type { CookieTransport } from './cookie-transport.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the authentication middleware: the caller, or null when anonymous. */
    viewer?: Viewer | null;
  }
}

/**
 * Applies `authenticate` to an HTTP request: sets `req.viewer`, renews or clears the session cookie, or answers a
 * refused bearer request itself (RFC 6750 §3: 401/400 with WWW-Authenticate) without reaching GraphQL.
 */
export function authenticationMiddleware(options: {
  readonly authenticate: Authenticate;
  readonly clock: Clock;
  readonly cookies: Pick<CookieTransport, 'renew' | 'end'>;
}): RequestHandler {
  const { authenticate, clock, cookies } = options;
  return (req, res, next) => {
    // The clock is read once per request: every check of this request is made at the same instant.
    authenticate(req.headers, clock.now()).then((result) => {
      if (result.kind === 'rejected')
        return rejectBearer(res, result.error, result.reason, result.description);
      if (result.cookie?.kind === 'renew') cookies.renew(res, result.cookie.sid);
      else if (result.cookie?.kind === 'clear') cookies.end(res);
      req.viewer = result.kind === 'viewer' ? result.viewer : null;
      next();
    }, next);
  };
}
