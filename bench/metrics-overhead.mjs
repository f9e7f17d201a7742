// @ts-check
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import { round } from './stats.mjs';

/**
 * What counting metrics adds to one `me` request, in-process with the compiled server's own instrumentation: the
 * per-request work of metrics on (the counted `authenticate` wrapper, the request-duration middleware with its
 * `finish` listener and histogram observation, one session-cache hit) against metrics off (the bare `authenticate`
 * the no-op instrumentation hands back), repeated `iterations` times each, alternating, and timed by this
 * process's CPU time. A loaded machine slows both sides alike; this figure, unlike the throughput comparison of two
 * server children, does not depend on which child a busy neighbour happened to slow down.
 *
 * @param {{ root: string, iterations: number }} options
 */
export async function measureMetricsOverhead(options) {
  const require = createRequire(import.meta.url);
  /** @type {typeof import('../src/metrics/instrumentation.js')} */
  const { createInstrumentation } = require(join(options.root, 'dist', 'metrics', 'instrumentation.js'));
  /** @type {typeof import('../src/metrics/http-duration.js')} */
  const { httpDuration } = require(join(options.root, 'dist', 'metrics', 'http-duration.js'));

  const viewer = /** @type {const} */ ({ kind: 'viewer', viewer: /** @type {any} */ ({ userId: 'u' }) });
  /** @type {import('../src/auth/authenticate.js').Authenticate} */
  const authenticate = async () => viewer;
  const headers = { authorization: 'Bearer x' };
  const now = new Date();

  const on = createInstrumentation({ enabled: true });
  const off = createInstrumentation({ enabled: false });
  const counted = on.counted(authenticate);
  const timing = /** @type {(req: any, res: any, next: () => void) => void} */ (
    httpDuration(on.httpDuration)
  );
  const uncounted = off.counted(authenticate);
  const next = () => {};

  const request = {
    on: async () => {
      const res = Object.assign(new EventEmitter(), { statusCode: 200 });
      timing({ path: '/graphql' }, res, next);
      await counted(headers, now);
      on.cacheLookups.hit.inc();
      res.emit('finish');
    },
    off: async () => {
      const res = Object.assign(new EventEmitter(), { statusCode: 200 });
      await uncounted(headers, now);
      off.cacheLookups.hit.inc();
      res.emit('finish');
    },
  };
  /** @param {() => Promise<void>} once @param {number} n */
  const cpuUs = async (once, n) => {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) await once();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / n;
  };
  // Warm both paths (JIT), then alternate slices so that both see the same moments of the machine.
  await cpuUs(request.on, 20_000);
  await cpuUs(request.off, 20_000);
  const slices = 10;
  const per = Math.max(1, Math.floor(options.iterations / slices));
  let onUs = 0;
  let offUs = 0;
  for (let s = 0; s < slices; s++) {
    onUs += await cpuUs(request.on, per);
    offUs += await cpuUs(request.off, per);
  }
  onUs /= slices;
  offUs /= slices;
  return {
    iterations: per * slices,
    onUsPerRequest: round(onUs, 3),
    offUsPerRequest: round(offUs, 3),
    addedUsPerRequest: round(onUs - offUs, 3),
  };
}
