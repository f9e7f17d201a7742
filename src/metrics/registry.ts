import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What a session-cache lookup found: pre-bound children, so counting allocates nothing per request. */
export interface CacheLookups {
  readonly hit: { inc(): void };
  readonly miss: { inc(): void };
}

/**
 * This instance's metrics (DESIGN §6.4; the names are a contract). One registry per app: two instances in one
 * process (the tests) never share a counter. Every label takes its values from a short fixed list — never a user,
 * an email, an address or operation text — so a flood of distinct callers cannot grow the series count.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly authentications: Counter<'transport' | 'outcome' | 'reason'>;
  readonly cacheLookups: CacheLookups;
  readonly listenerUp: Gauge;
  readonly propagation: Histogram;
  readonly unconfirmed: Counter;
  readonly logins: Counter<'outcome'>;
  readonly httpDuration: Histogram<'route' | 'status'>;
  readonly websocketConnections: Gauge;
}

/**
 * Builds a fresh registry with every Gatehouse metric, and the process defaults unless `processMetrics` is false
 * (their collectors run timers and a GC observer for as long as the process lives: only worth it when served).
 */
export function createMetrics(options: { readonly processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const cacheRequests = new Counter({
    name: 'gatehouse_session_cache_requests_total',
    help: 'Session lookups: served from this instance cache (hit) or read from the database (miss).',
    labelNames: ['result'] as const,
    registers,
  });
  // Registered here at 0 so dashboards and alerts can be written against the contract's names (DESIGN §6.4);
  // their features set them (the mail sender: src/mail/mail-metrics.ts; the WebSocket server: src/realtime/).
  new Gauge({
    name: 'gatehouse_mail_outbox_pending',
    help: 'Mails waiting in the outbox (the whole table: every instance reports the same value).',
    registers,
  });
  const websocketConnections = new Gauge({
    name: 'gatehouse_websocket_connections',
    help: 'Open GraphQL WebSocket connections.',
    registers,
  });
  return {
    registry,
    websocketConnections,
    authentications: new Counter({
      name: 'gatehouse_authentications_total',
      help: 'Credentials presented to /graphql, by transport, outcome and refusal reason.',
      labelNames: ['transport', 'outcome', 'reason'] as const,
      registers,
    }),
    cacheLookups: { hit: cacheRequests.labels('hit'), miss: cacheRequests.labels('miss') },
    listenerUp: new Gauge({
      name: 'gatehouse_invalidation_listener_up',
      help: '1 while this instance listens for invalidations (its session cache is trusted), else 0.',
      registers,
    }),
    propagation: new Histogram({
      name: 'gatehouse_revocation_propagation_seconds',
      help: 'From the announcing transaction (database clock) to this instance hearing the invalidation.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    unconfirmed: new Counter({
      name: 'gatehouse_revocations_unconfirmed_total',
      help: 'Revocations answered after the 1 s bound, before every listening instance had confirmed evicting them.',
      registers,
    }),
    logins: new Counter({
      name: 'gatehouse_logins_total',
      help: 'Password logins by outcome.',
      labelNames: ['outcome'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'gatehouse_http_request_duration_seconds',
      help: 'HTTP request duration, by route (a fixed list) and status class.',
      labelNames: ['route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
  };
}
