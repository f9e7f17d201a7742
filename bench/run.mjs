// @ts-check
/**
 * The benchmark (issues 6 and 17): `npm run bench` builds, then runs this. See BENCHMARKS.md for what it measures.
 *
 * Starts the compiled server in production mode on a free loopback port and a bare Apollo + Express server beside
 * it, seeds users over HTTP, warms both up, drives every scenario with autocannon in interleaved rounds (recording
 * CPU, memory and GC of the answering child), probes `me` while logins run in parallel, counts SQL per
 * authenticated request in a second child (logging at debug), times access-token verification and argon2id
 * in-process, prints the tables, writes the JSON.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { measureArgon2Bound } from './argon2-bound.mjs';
import { formatLive, measureLive } from './live-scenario.mjs';
import { describeMachine, gitCommit, loadAverage, uncommittedSourceChanges } from './machine.mjs';
import { measureScaleOut } from './scale-out.mjs';
import { formatScaleOut } from './scale-out-report.mjs';
import { createBenchDatabase, errorMessage } from './database.mjs';
import { measureCacheTtlReads } from './cache-ttl.mjs';
import { measureMeUnderLoginsOn, PARALLEL_LOGINS } from './login-pressure.mjs';
import { startSeededServer } from './seeded-server.mjs';
import { startMetricsTwins, summarizeMetricsCost } from './metrics-cost.mjs';
import { measureMetricsOverhead } from './metrics-overhead.mjs';
import { countQueries } from './query-count.mjs';
import { formatReport } from './report.mjs';
import {
  BARE_BASELINE,
  BASELINE,
  bareUserOf,
  buildBareScenarios,
  buildScenarios,
  seed,
} from './scenarios.mjs';
import { generateServerSecrets } from './secrets.mjs';
import { startServer } from './server.mjs';
import { loadSettings, SettingsError } from './settings.mjs';
import { evaluateTargets, REPORT_VERSION, summarizeScenarios } from './summary.mjs';
import { measureThroughput } from './throughput.mjs';
import { benchTokenVerify } from './token-verify.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
/** The yardstick: Apollo 5 + Express 5 answering the same `me`, without any Gatehouse code. */
const BARE_SERVER = join(BENCH, 'bare-server.mjs');

const T0 = Date.now();
/** @param {string} message */
const progress = (message) =>
  process.stderr.write(`[bench +${((Date.now() - T0) / 1000).toFixed(1)}s] ${message}\n`);

async function main() {
  const settings = loadSettings(process.env);
  const startedAt = new Date();
  const loadAverageStart = loadAverage();

  /** @type {Set<import('./server.mjs').RunningServer>} */
  const servers = new Set();
  /** @type {import('./database.mjs').BenchDatabase[]} */
  const databases = [];
  const cleanup = async () => {
    await Promise.all([...servers].map((s) => s.stop()));
    for (const db of databases.splice(0)) {
      await db.drop().catch((error) => progress(`could not remove a bench database: ${errorMessage(error)}`));
    }
  };
  // Last resort: whatever happens to this process, no server child outlives it.
  process.on('exit', () => servers.forEach((s) => s.killNow()));
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.once(signal, () => {
      progress(`${signal}: stopping the server and exiting`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    const secrets = await generateServerSecrets();
    const nodeArgs = settings.serverNodeArgs;

    // Throughput: one production Gatehouse child (quiet logging) and, beside it, the bare server.
    const db = await createBenchDatabase(settings.databaseUrl, progress);
    databases.push(db);
    progress(`starting the server (production, ${db.kind} database)`);
    const gatehouse = await startServer({
      root: ROOT,
      env: { ...secrets, ...db.env, LOG_LEVEL: 'warn' },
      nodeArgs,
      track: servers,
    });
    progress(`server pid ${gatehouse.pid} on ${gatehouse.url}; seeding users`);
    const seeds = await seed(gatehouse.url, settings);
    const built = await buildScenarios(gatehouse.url, seeds, settings);
    // The bare server answers Gatehouse's reader, so it starts once the reader exists.
    const startBare = (/** @type {Record<string, string>} */ env) =>
      startServer({
        root: ROOT,
        entry: BARE_SERVER,
        env: { BARE_ME_USER: bareUserOf(built.answers), ...env },
        nodeArgs,
        track: servers,
      });
    const bare = await startBare({});
    // The same bare server on Gatehouse's HTTP construction: what Gatehouse's own work costs beside an equal server.
    const bareBorn = await startBare({ BARE_HTTP: 'born' });
    progress(
      `bare servers pid ${bare.pid} on ${bare.url}, ${bareBorn.pid} (born prototypes) on ${bareBorn.url}`,
    );
    // Twin apps in one process, with and without METRICS_TOKEN: what counting metrics costs a request (issue 16).
    const metrics = await startMetricsTwins({
      root: ROOT,
      secrets,
      settings,
      track: servers,
      databases,
      progress,
    });
    progress(
      `metrics twins pid ${metrics.process.pid}: on ${metrics.servers.metrics.url}, off ${metrics.process.url}`,
    );
    const scenarios = new Map(
      [
        ...(await buildBareScenarios(bare.url, built.answers, settings)),
        ...(await buildBareScenarios(bareBorn.url, built.answers, settings, 'born')),
        ...built.scenarios.values(),
        ...metrics.scenarios,
      ].map((s) => [s.id, s]),
    );
    const throughput = await measureThroughput({
      servers: { gatehouse, bare, 'bare-born': bareBorn, ...metrics.servers },
      scenarios,
      refreshPool: built.refreshPool,
      settings,
      progress,
    });
    await bare.stop();
    await bareBorn.stop();
    await metrics.process.stop();
    // The same Gatehouse without the argon2 cap (PASSWORD_HASH_CONCURRENCY=0): what the cap changes (issue 17).
    const uncapped = await startSeededServer({
      root: ROOT,
      secrets,
      settings,
      track: servers,
      databases,
      progress,
      extraEnv: { PASSWORD_HASH_CONCURRENCY: '0' },
      id: 'me-bearer-uncapped',
      label: 'me, bearer, argon2 uncapped',
      server: 'uncapped',
    });
    progress(
      `me at a steady rate, alone and while ${PARALLEL_LOGINS} logins run in parallel, argon2 capped ` +
        `(pid ${gatehouse.pid}) and uncapped (pid ${uncapped.server.pid}), interleaved`,
    );
    const [loginPressure, loginPressureUncapped] = await measureMeUnderLoginsOn(
      [
        { server: gatehouse, me: scenario(scenarios, 'me-bearer'), login: scenario(scenarios, 'login') },
        uncapped,
      ],
      { settings, progress, labels: ['capped', 'uncapped'] },
    );
    await uncapped.server.stop();
    await gatehouse.stop();

    // Queries per request: a child that logs every SQL statement; what the cache TTL costs: reads per session
    // per TTL under load, with a 1 s TTL. Neither measures speed, so the two run side by side, each on a database
    // of its own.
    progress(
      'counting SQL queries per request (LOG_LEVEL=debug child) and session re-reads with SESSION_CACHE_TTL=1s',
    );
    const [countDb, ttlDb] = await Promise.all([
      createBenchDatabase(settings.databaseUrl, progress),
      createBenchDatabase(settings.databaseUrl, progress),
    ]);
    databases.push(countDb, ttlDb);
    const [queries, cacheTtl] = await Promise.all([
      countQueries({
        root: ROOT,
        env: { ...secrets, ...countDb.env },
        requests: settings.countRequests,
        nodeArgs,
        track: servers,
      }),
      measureCacheTtlReads({
        root: ROOT,
        env: { ...secrets, ...ttlDb.env },
        durationSec: settings.smoke ? 2 : 5,
        nodeArgs,
        track: servers,
      }),
    ]);
    await cleanup();

    // Issue 16: several instances on one PostgreSQL (skipped, saying so, on the embedded database).
    const scaleOut = await measureScaleOut({ root: ROOT, settings, secrets, track: servers, progress });
    // Issue 15: open sockets and revocation -> close across two instances (skipped on the embedded database).
    const live = await measureLive({ root: ROOT, settings, progress });

    progress('timing access-token verification and argon2id in-process');
    const tokenVerify = await benchTokenVerify({ root: ROOT, timeMs: settings.verifyTimeMs });
    const argon2 = await measureArgon2Bound({ root: ROOT, samples: settings.argon2Samples });
    const metricsOverhead = await measureMetricsOverhead({
      root: ROOT,
      iterations: settings.smoke ? 20_000 : 200_000,
    });

    const scenarioSummary = summarizeScenarios(scenarios, throughput.rounds, {
      baseline: BASELINE,
      bareBaseline: BARE_BASELINE,
    });
    const report = {
      version: REPORT_VERSION,
      command: settings.smoke ? 'npm run bench:smoke' : 'npm run bench',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      commit: gitCommit(ROOT),
      uncommittedChanges: uncommittedSourceChanges(ROOT),
      settings: {
        durationSec: settings.durationSec,
        rounds: settings.rounds,
        warmupSec: settings.warmupSec,
        connections: settings.connections,
        loginConnections: settings.loginConnections,
        countRequests: settings.countRequests,
        smoke: settings.smoke,
        serverNodeArgs: settings.serverNodeArgs,
        baseline: BASELINE,
        bareBaseline: BARE_BASELINE,
      },
      machine: { ...describeMachine(), loadAverageStart, loadAverageEnd: loadAverage() },
      database: { kind: db.kind, fresh: db.fresh },
      scenarios: scenarioSummary,
      metricsCost: { ...summarizeMetricsCost(scenarioSummary), inProcess: metricsOverhead },
      warmup: throughput.warmup,
      refresh: throughput.refresh,
      loginPressure,
      loginPressureUncapped,
      argon2,
      queriesPerRequest: queries,
      cacheTtlReads: cacheTtl,
      tokenVerify,
      scaleOut,
      live,
      targets: evaluateTargets(
        scenarioSummary,
        queries,
        throughput.refresh.sessionsLostBetweenRuns + throughput.refresh.starved + loginPressure.failures,
        cacheTtl,
      ),
    };
    writeFileSync(settings.out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(formatReport(report));
    process.stdout.write(formatScaleOut(scaleOut, report.machine.cpuCount));
    process.stdout.write(formatLive(live));
    progress(`wrote ${settings.out}`);
  } finally {
    await cleanup();
  }
}

/**
 * @param {Map<string, import('./load.mjs').Scenario>} scenarios
 * @param {string} id
 */
function scenario(scenarios, id) {
  const found = scenarios.get(id);
  if (!found) throw new Error(`no scenario ${id}`);
  return found;
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(
      error instanceof SettingsError
        ? `Invalid benchmark setting: ${error.message}\n`
        : `Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
