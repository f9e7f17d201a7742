// @ts-check
import { randomBytes } from 'node:crypto';
import { startSeededServer } from './seeded-server.mjs';

/** Gatehouse's `me` by bearer with METRICS_TOKEN set. */
export const METRICS_SCENARIO = 'me-bearer-metrics';
/** The same, on its twin: a child started the same way, at the same time, without METRICS_TOKEN. */
export const METRICS_TWIN_SCENARIO = 'me-bearer-metrics-off';

/**
 * Issue 16, "updated on the hot path without measurable cost": two more Gatehouse children, twins in everything
 * but METRICS_TOKEN (set: it counts every identification, cache lookup and request duration, and runs
 * prom-client's process collectors; unset: it counts nothing). Each gets a database and a reader of its own, the
 * same seeding, the same warm-up and the same rounds, so the only difference between them is the metrics.
 * The main child is not the reference: it also serves logins, refreshes, cookies and anonymous requests, and a
 * process with that history answers `me` measurably slower than a fresh one (interleaved runs gave up to 0.58 ×
 * by CPU with the main child as the reference, 1.0 × between twins).
 *
 * @param {Omit<Parameters<typeof startSeededServer>[0], 'extraEnv' | 'id' | 'label' | 'server'>} options
 */
export async function startMetricsServers(options) {
  const on = await startSeededServer({
    ...options,
    extraEnv: { METRICS_TOKEN: randomBytes(24).toString('hex') },
    id: METRICS_SCENARIO,
    label: 'me, bearer, metrics on',
    server: 'metrics',
  });
  const off = await startSeededServer({
    ...options,
    extraEnv: {},
    id: METRICS_TWIN_SCENARIO,
    label: 'me, bearer, metrics off (twin)',
    server: 'metrics-off',
  });
  return {
    servers: { metrics: on.server, 'metrics-off': off.server },
    scenarios: [
      { ...on.me, reference: METRICS_TWIN_SCENARIO },
      { ...off.me, reference: undefined },
    ],
  };
}

/**
 * The metrics' cost in the report: per round, `me` by bearer with metrics on divided by its twin with metrics
 * off (req/s, and CPU per request the other way round); medians and the range over rounds.
 *
 * @param {Record<string, any>} scenarios  the summarised scenarios
 */
export function summarizeMetricsCost(scenarios) {
  const on = scenarios[METRICS_SCENARIO];
  const off = scenarios[METRICS_TWIN_SCENARIO];
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
    cpuRatioRange: on.spread.cpuRatioToReference,
  };
}
