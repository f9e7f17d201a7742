import { Router } from 'express';
import type { Database } from '../db/database.js';
import type { Metrics } from '../metrics/registry.js';
import type { Invalidations } from '../sessions/invalidations.js';
import { healthRoutes } from './health.js';
import { metricsRoute } from './metrics-route.js';

/**
 * What an operator's tooling calls: `/healthz`, `/readyz` and `/metrics`. (Requests are timed by the composition
 * root, before every route, and only when `/metrics` is served.)
 */
export function operationsRoutes(options: {
  readonly metrics: Metrics;
  readonly token: string | undefined;
  readonly db: Pick<Database, 'isReady'>;
  readonly invalidations: Pick<Invalidations, 'listening'>;
}): Router {
  const { metrics, db, invalidations } = options;
  const router = Router();
  router.use(healthRoutes(async () => invalidations.listening && (await db.isReady())));
  router.use(metricsRoute(metrics.registry, options.token));
  return router;
}
