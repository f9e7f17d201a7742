import type { RequestHandler } from 'express';

/** GraphQL answers carry user data and tokens: never stored by a browser or a shared cache. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};
