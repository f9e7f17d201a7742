// @ts-check
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { createBenchDatabase } from './database.mjs';
import { seedReader } from './seeded-server.mjs';
import { startServer } from './server.mjs';

/** Gatehouse's `me` by bearer with METRICS_TOKEN set. */
export const METRICS_SCENARIO = 'me-bearer-metrics';
/** The same, on its twin: the same app in the same process, without METRICS_TOKEN. */
export const METRICS_TWIN_SCENARIO = 'me-bearer-metrics-off';

/** The metrics twins' process (bench/metrics-twins.mjs): two apps in one process, METRICS_TOKEN set on one. */
const TWINS = join(dirname(fileURLToPath(import.meta.url)), 'metrics-twins.mjs');
/** The line the twins' process prints once its metrics-on app listens, followed by that app's URL. */
export const METRICS_ON_LINE = 'metrics-on app on ';

/**
 * Issue 16, "updated on the hot path without measurable cost": one more Gatehouse child running **two apps in one
 * process**, twins in everything but METRICS_TOKEN (set: it counts every identification, cache lookup and request
 * duration, and runs prom-client's process collectors; unset: it counts nothing), each on a database of its own with
 * a reader of its own. Their `me` by bearer run in the same rounds, one after the other, so the process's CPU time
 * during each run is that app's. Two processes would not do: the same build started twice answers up to a tenth
 * apart from one start to the next (heap and code layout, JIT timing), and the main child serves logins, refreshes
 * and cookies too; the first version of this comparison read 0.58 × against the main child and 0.80 × between
 * two twin processes, while the same twin processes swapped read the other way round.
 *
 * @param {object} options
 * @param {string} options.root
 * @param {Record<string, string>} options.secrets
 * @param {import('./settings.mjs').BenchSettings} options.settings
 * @param {Set<import('./server.mjs').RunningServer>} options.track
 * @param {import('./database.mjs').BenchDatabase[]} options.databases  the new databases are added
 * @param {(message: string) => void} options.progress
 */
export async function startMetricsTwins(options) {
  const { settings } = options;
  const offDb = await createBenchDatabase(settings.databaseUrl, options.progress);
  options.databases.push(offDb);
  const onDb = await createBenchDatabase(settings.databaseUrl, options.progress);
  options.databases.push(onDb);
  /** @type {string | undefined} */
  let onUrl;
  const off = await startServer({
    root: options.root,
    entry: TWINS,
    env: {
      ...options.secrets,
      ...offDb.env,
      LOG_LEVEL: 'warn',
      TWIN_METRICS_TOKEN: randomBytes(24).toString('hex'),
      ...(onDb.env.DATABASE_URL ? { TWIN_DATABASE_URL: onDb.env.DATABASE_URL } : {}),
      ...(onDb.env.DATA_DIR ? { TWIN_DATA_DIR: onDb.env.DATA_DIR } : {}),
    },
    nodeArgs: settings.serverNodeArgs,
    track: options.track,
    onLine: (line) => {
      if (line.startsWith(METRICS_ON_LINE)) onUrl = line.slice(METRICS_ON_LINE.length).trim();
    },
  });
  if (onUrl === undefined)
    throw new Error(`the metrics twins did not announce their metrics-on app:\n${off.recentOutput()}`);
  // The same process: CPU, memory and probe figures are the process's, the URL is the metrics-on app's.
  const on = { ...off, url: onUrl, port: Number(new URL(onUrl).port) };
  const twin = { settings, described: 'app, in a process with its twin' };
  const offSeed = await seedReader(off.url, {
    ...twin,
    id: METRICS_TWIN_SCENARIO,
    label: 'me, bearer, metrics off (twin)',
    server: 'metrics-off',
  });
  const onSeed = await seedReader(on.url, {
    ...twin,
    id: METRICS_SCENARIO,
    label: 'me, bearer, metrics on',
    server: 'metrics',
  });
  return {
    process: off,
    servers: { metrics: on, 'metrics-off': off },
    scenarios: [
      {
        ...onSeed.me,
        description: `${onSeed.me.description} (METRICS_TOKEN set)`,
        reference: METRICS_TWIN_SCENARIO,
      },
      { ...offSeed.me, description: `${offSeed.me.description} (METRICS_TOKEN unset)`, reference: undefined },
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
