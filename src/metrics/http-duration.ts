import type { RequestHandler } from 'express';
import type { Histogram } from 'prom-client';

/** The routes Gatehouse serves; anything else is "other" so a scan of random paths adds no series. */
const ROUTES = new Set(['/graphql', '/healthz', '/readyz', '/metrics', '/.well-known/jwks.json']);
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];

/** Observes every request's duration in `gatehouse_http_request_duration_seconds{route,status}` (status: 2xx…5xx). */
export function httpDuration(histogram: Histogram<'route' | 'status'>): RequestHandler {
  // Every series there can be, bound once: observing through a bound child skips hashing a labels object per request.
  const series = new Map<string, { observe(seconds: number): void }>();
  for (const route of [...ROUTES, 'other'])
    for (const status of STATUS_CLASSES) series.set(`${route} ${status}`, histogram.labels(route, status));
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    // Read now: a mounted router strips its prefix from the path while it handles the request.
    const route = ROUTES.has(req.path) ? req.path : 'other';
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const status = `${Math.floor(res.statusCode / 100)}xx`;
      (series.get(`${route} ${status}`) ?? histogram.labels(route, status)).observe(seconds);
    });
    next();
  };
}
