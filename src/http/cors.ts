import cors from 'cors';
import type { RequestHandler } from 'express';
import type { Config } from '../config.js';

/** Apollo Studio and the embedded Sandbox call the API from these origins. */
export const APOLLO_STUDIO_ORIGINS = [
  'https://studio.apollographql.com',
  'https://sandbox.embed.apollographql.com',
];
const LOCALHOST = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/** Is this exact origin allowed to call with credentials? (`null` and unknown origins never are.) */
export function originAllowed(config: Config, origin: string): boolean {
  if (config.corsOrigins) return config.corsOrigins.includes(origin);
  if (config.production) return false;
  return LOCALHOST.test(origin) || APOLLO_STUDIO_ORIGINS.includes(origin);
}

/**
 * CORS with credentials for an exact allow-list: the allowed origin is echoed (never `*`), others get no CORS
 * headers at all, and `Vary: Origin` keeps caches from mixing the two.
 */
export function corsMiddleware(config: Config): RequestHandler {
  const middleware = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && originAllowed(config, origin)),
    credentials: true,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Content-Type', 'Authorization', 'Apollo-Require-Preflight', 'X-Apollo-Operation-Name'],
    exposedHeaders: ['WWW-Authenticate', 'Retry-After', 'X-Request-Id'],
    maxAge: 600,
  });
  // Without an Origin header, cors calls the origin check with undefined, is told no, and passes the request on with
  // no header at all: the same, without the detour (most API calls, and every non-browser client, carry no Origin).
  return (req, res, next) => (req.headers.origin === undefined ? next() : middleware(req, res, next));
}
