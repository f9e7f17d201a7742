// @ts-check
import { channel } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import { round } from './stats.mjs';

/**
 * What counting metrics adds to one `me` request, in-process with the compiled server's own instrumentation: the
 * per-request work of metrics on (the counted `authenticate`, Node's request start and response finish
 * announcements with the duration observer subscribed to them — Node publishes them only when someone listens —,
 * one session-cache hit, the login counter's request hook) against metrics off (the bare `authenticate` the no-op
 * instrumentation hands back, nothing announced), repeated `iterations` times each, alternating, and timed by this
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
  const { observeHttpDuration } = require(join(options.root, 'dist', 'metrics', 'http-duration.js'));

  const viewer = /** @type {const} */ ({ kind: 'viewer', viewer: /** @type {any} */ ({ userId: 'u' }) });
  /** @type {import('../src/auth/authenticate.js').Authenticate} */
  const authenticate = async () => viewer;
  const headers = { authorization: 'Bearer x' };
  const now = new Date();

  const on = createInstrumentation({ enabled: true });
  const off = createInstrumentation({ enabled: false });
  const counted = on.counted(authenticate);
  const server = /** @type {import('node:http').Server} */ (/** @type {unknown} */ ({}));
  const stopTiming = observeHttpDuration(on.httpDuration, server);
  const started = channel('http.server.request.start');
  const finished = channel('http.server.response.finish');
  const loginHook = /** @type {(context: unknown) => Promise<unknown>} */ (on.loginPlugin.requestDidStart);
  const graphqlRequest = { request: { query: '{ me { id email roles } }' } };
  const uncounted = off.counted(authenticate);

  const request = {
    on: async () => {
      const announced = { request: { url: '/graphql' }, response: { statusCode: 200 }, socket: null, server };
      if (started.hasSubscribers) started.publish(announced);
      await loginHook.call(on.loginPlugin, graphqlRequest);
      await counted(headers, now);
      on.cacheLookups.hit.inc();
      if (finished.hasSubscribers) finished.publish(announced);
    },
    off: async () => {
      await uncounted(headers, now);
      off.cacheLookups.hit.inc();
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
  await stopTiming();
  return {
    iterations: per * slices,
    onUsPerRequest: round(onUs, 3),
    offUsPerRequest: round(offUs, 3),
    addedUsPerRequest: round(onUs - offUs, 3),
  };
}
