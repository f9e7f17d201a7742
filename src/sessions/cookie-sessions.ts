import type { Request, RequestHandler, Response } from 'express';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../graphql/errors.js';
import type { SessionCookieCodec } from './session-cookie.js';

/** Starts and ends cookie sessions on a request. */
export interface CookieSessions {
  /**
   * Issues a new session id bound to the Session row, through express-session and the session-table store:
   * never the id the browser came with (fixation); a session the browser already had is revoked as REPLACED.
   */
  establish(req: Request, res: Response, sessionId: string): Promise<void>;
  /** Clears the cookie (the caller has revoked the row). */
  end(res: Response): void;
}

export function createCookieSessions(options: {
  codec: SessionCookieCodec;
  expressSession: RequestHandler;
}): CookieSessions {
  const { codec, expressSession } = options;
  return {
    async establish(req, res, sessionId) {
      if (req.headers.authorization !== undefined) {
        throw new GraphQLError(
          'A cookie session cannot be started on a request that carries a bearer token',
          {
            extensions: { code: ErrorCode.BAD_REQUEST },
          },
        );
      }
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
