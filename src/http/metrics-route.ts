import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Registry } from 'prom-client';

/**
 * `GET /metrics` in the Prometheus text format, for a scraper holding `Authorization: Bearer <METRICS_TOKEN>`;
 * anyone else gets 401. Without a token the route does not exist (404): metrics are never public by default.
 */
export function metricsRoute(registry: Registry, token: string | undefined): Router {
  const router = Router();
  if (token === undefined) return router;
  // Both sides hashed to one length, so the comparison is constant-time whatever the caller sends.
  const expected = digest(`Bearer ${token}`);
  router.get('/metrics', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (!timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').json({ error: 'unauthorized' });
      return;
    }
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
