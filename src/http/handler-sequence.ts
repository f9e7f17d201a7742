import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Runs request handlers one after another as one Express layer. Each layer Express walks costs a path match, a
 * prefix trim and its restore; for a request that passes a dozen of them that walk cost more than most of the
 * handlers (measured in issue 17: Gatehouse's GraphQL handlers as one layer answered 1.12–1.19 × the requests per
 * second of the same handlers as separate layers). Semantics are Express's for these handlers: `next()` goes on,
 * `next(error)` — or a throw, or a rejected promise — leaves the sequence for Express's error handling, and
 * `next('route')` goes on as it would between two layers of one `app.use`.
 */
export function handlerSequence(...handlers: RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, done: NextFunction) => {
    let index = 0;
    const next = (error?: unknown): void => {
      if (error && error !== 'route') return done(error);
      const handler = handlers[index++];
      if (handler === undefined) return done();
      try {
        const result: unknown = handler(req, res, next);
        if (isThenable(result))
          result.then(undefined, (reason: unknown) => done(reason || new Error('Rejected promise')));
      } catch (thrown) {
        done(thrown);
      }
    };
    next();
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
