import { Router } from 'express';

/**
 * `/healthz`: the process is up. `/readyz`: the database answers, every migration is applied and the invalidation
 * listener is up. An instance whose listener is down still answers correctly (it reads every session from the
 * database) but slowly and loading the database, so it reports not-ready and a balancer prefers its healthy peers.
 * All instances are not-ready at once only when the database itself is unreachable — and then none could serve.
 */
export function healthRoutes(isReady: () => Promise<boolean>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await isReady();
    res
      .set('Cache-Control', 'no-store')
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'unavailable' });
  });
  return router;
}
