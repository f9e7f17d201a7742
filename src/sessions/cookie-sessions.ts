import type { CookieOptions, Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../graphql/errors.js';

/** Starts and ends cookie sessions on a request (express-session underneath). */
export interface CookieSessions {
  readonly name: string;
  /** Issues a new session id bound to the Session row: never the id the browser came with (fixation). */
  establish(req: Request, sessionId: string): Promise<void>;
  end(req: Request, res: Response): Promise<void>;
  clear(res: Response): void;
}

export function createCookieSessions(name: string, cookie: CookieOptions): CookieSessions {
  const clear = (res: Response) => {
    const { maxAge: _maxAge, expires: _expires, ...attributes } = cookie;
    res.clearCookie(name, attributes);
  };
  return {
    name,
    clear,
    async establish(req, sessionId) {
      const session = req.session;
      if (!session) {
        throw new GraphQLError(
          'A cookie session cannot be started on a request that carries a bearer token',
          {
            extensions: { code: ErrorCode.BAD_REQUEST },
          },
        );
      }
      await new Promise<void>((resolve, reject) => session.regenerate((e) => (e ? reject(e) : resolve())));
      req.session.sessionId = sessionId;
      await new Promise<void>((resolve, reject) => req.session.save((e) => (e ? reject(e) : resolve())));
    },
    async end(req, res) {
      const session = req.session;
      if (session)
        await new Promise<void>((resolve, reject) => session.destroy((e) => (e ? reject(e) : resolve())));
      clear(res);
    },
  };
}
