// @ts-check
import { randomBytes } from 'node:crypto';
import { startSeededServer } from './seeded-server.mjs';

/** Gatehouse's `me` by bearer with METRICS_TOKEN set: the same scenario as `me-bearer`, counted. */
export const METRICS_SCENARIO = 'me-bearer-metrics';

/**
 * Issue 16, "updated on the hot path without measurable cost": a second Gatehouse child, started exactly like the
 * first but with METRICS_TOKEN set (so it counts every identification, cache lookup and request duration, and runs
 * prom-client's process collectors), answering `me` by bearer for a reader of its own. Its scenario runs in the
 * same rounds as `me-bearer` (metrics off, no token), and the report divides the two.
 *
 * @param {Omit<Parameters<typeof startSeededServer>[0], 'extraEnv' | 'id' | 'label' | 'server'>} options
 */
export async function startMetricsServer(options) {
  const { server, me } = await startSeededServer({
    ...options,
    extraEnv: { METRICS_TOKEN: randomBytes(24).toString('hex') },
    id: METRICS_SCENARIO,
    label: 'me, bearer, metrics on',
    server: 'metrics',
  });
  return { server, scenario: me };
}

/**
 * The metrics' cost in the report: per round, `me` by bearer with metrics on divided by the same with metrics
 * off (req/s, and CPU per request the other way round); medians and the range over rounds.
 *
 * @param {Record<string, any>} scenarios  the summarised scenarios
 */
export function summarizeMetricsCost(scenarios) {
  const on = scenarios[METRICS_SCENARIO];
  const off = scenarios['me-bearer'];
  if (!on || !off) return null;
  return {
    requestsPerSec: { on: on.median.requestsPerSec, off: off.median.requestsPerSec },
    serverCpuUsPerRequest: {
      on: on.median.serverCpuMsPerRequest === null ? null : on.median.serverCpuMsPerRequest * 1000,
      off: off.median.serverCpuMsPerRequest === null ? null : off.median.serverCpuMsPerRequest * 1000,
    },
    p99Ms: { on: on.median.p99Ms, off: off.median.p99Ms },
    // on / off: below 1 means metrics cost throughput
    ratio: on.median.ratioToReference,
    ratioRange: on.spread.ratioToReference,
    // off CPU / on CPU: below 1 means metrics cost CPU
    cpuRatio: on.median.cpuRatioToReference,
  };
}
