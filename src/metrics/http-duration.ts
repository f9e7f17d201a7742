import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Histogram } from 'prom-client';

/** The routes Gatehouse serves; anything else is "other" so a scan of random paths adds no series. */
const ROUTES = new Set(['/graphql', '/healthz', '/readyz', '/metrics', '/.well-known/jwks.json']);
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];
/** Node's own announcements of a request's start and its response's end (node:http, diagnostics_channel). */
const STARTED = 'http.server.request.start';
const FINISHED = 'http.server.response.finish';
const START = Symbol('gatehouse.requestStart');

type Timed = IncomingMessage & { [START]?: bigint };
interface Announcement {
  readonly request: Timed;
  readonly response: ServerResponse;
  readonly server: Server;
}

/**
 * Observes every request `server` answers in `gatehouse_http_request_duration_seconds{route,status}` (status:
 * 2xx…5xx), from Node's own start and finish announcements: no middleware, no listener or closure per request
 * (issue 16: counting must not cost the hot path). The channels are the process's; only `server`'s requests are
 * counted, so two apps in one process keep their figures apart. Returns the unsubscribe.
 */
export function observeHttpDuration(
  histogram: Histogram<'route' | 'status'>,
  server: Server,
): () => Promise<void> {
  // Every series there can be, bound once: observing through a bound child skips hashing a labels object per request.
  const series = new Map<string, { observe(seconds: number): void }>();
  for (const route of [...ROUTES, 'other'])
    for (const status of STATUS_CLASSES) series.set(`${route} ${status}`, histogram.labels(route, status));

  const started = (message: unknown) => {
    const { request, server: from } = message as Announcement;
    if (from === server) request[START] = process.hrtime.bigint();
  };
  const finished = (message: unknown) => {
    const { request, response, server: from } = message as Announcement;
    const start = request[START];
    if (from !== server || start === undefined) return;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    // Express restores the URL a mounted router trimmed; originalUrl is the one the client sent.
    const url = (request as { originalUrl?: string }).originalUrl ?? request.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const route = ROUTES.has(path) ? path : 'other';
    const status = `${Math.floor(response.statusCode / 100)}xx`;
    (series.get(`${route} ${status}`) ?? histogram.labels(route, status)).observe(seconds);
  };
  subscribe(STARTED, started);
  subscribe(FINISHED, finished);
  return async () => {
    unsubscribe(STARTED, started);
    unsubscribe(FINISHED, finished);
  };
}
