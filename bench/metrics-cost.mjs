// @ts-check
import { randomBytes } from 'node:crypto';
import { gql, ME, newCredentials, registerBearer } from './client.mjs';
import { createBenchDatabase } from './database.mjs';
import { startServer } from './server.mjs';

/** Gatehouse's `me` by bearer with METRICS_TOKEN set: the same scenario as `me-bearer`, counted. */
export const METRICS_SCENARIO = 'me-bearer-metrics';

/**
 * Issue 16, "updated on the hot path without measurable cost": a second Gatehouse child, started exactly like the
 * first but with METRICS_TOKEN set (so it counts every identification, cache lookup and request duration, and runs
 * prom-client's process collectors), answering `me` by bearer for a reader of its own. Its scenario runs in the
 * same rounds as `me-bearer` (metrics off, no token), and the report divides the two.
 *
 * @param {object} options
 * @param {string} options.root
 * @param {Record<string, string>} options.secrets
 * @param {import('./settings.mjs').BenchSettings} options.settings
 * @param {Set<import('./server.mjs').RunningServer>} options.track
 * @param {import('./database.mjs').BenchDatabase[]} options.databases  the new database is added (dropped by the caller)
 * @param {(message: string) => void} options.progress
 * @returns {Promise<{ server: import('./server.mjs').RunningServer, scenario: import('./load.mjs').Scenario }>}
 */
export async function startMetricsServer({ root, secrets, settings, track, databases, progress }) {
  // An embedded database belongs to one process: the second child gets a database of its own.
  const db = await createBenchDatabase(settings.databaseUrl, progress);
  databases.push(db);
  const server = await startServer({
    root,
    env: { ...secrets, ...db.env, LOG_LEVEL: 'warn', METRICS_TOKEN: randomBytes(24).toString('hex') },
    nodeArgs: settings.serverNodeArgs,
    track,
  });
  const reader = newCredentials('metrics-reader');
  const session = await registerBearer(server.url, reader);
  const headers = { authorization: `Bearer ${session.accessToken}` };
  const res = await gql(server.url, ME, {}, headers);
  if (res.status !== 200 || res.body.data?.me?.id !== session.userId) {
    throw new Error(`pre-flight of ${ME} on the metrics-on server failed: ${res.status} ${res.text}`);
  }
  const answer = res.text;
  return {
    server,
    scenario: {
      id: METRICS_SCENARIO,
      label: 'me, bearer, metrics on',
      description: `${ME} by bearer to a second Gatehouse child with METRICS_TOKEN set (every request counted)`,
      server: 'metrics',
      reference: 'me-bearer',
      connections: settings.connections,
      headers,
      body: JSON.stringify({ query: ME }),
      check: (body) => body === answer,
    },
  };
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
