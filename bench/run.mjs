// @ts-check
/**
 * The benchmark (issue 6): `npm run bench` builds, then runs this. See BENCHMARKS.md for what it measures.
 *
 * Starts the compiled server in production mode on a free loopback port, seeds users over HTTP, drives every
 * scenario with autocannon in interleaved rounds, counts SQL per authenticated request in a second child
 * (logging at debug), times access-token verification in-process, prints a table, writes the JSON.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase, errorMessage } from './database.mjs';
import { measureCacheTtlReads } from './cache-ttl.mjs';
import { countQueries } from './query-count.mjs';
import { evaluateTargets, formatReport, REPORT_VERSION, summarizeScenarios } from './report.mjs';
import { BASELINE } from './scenarios.mjs';
import { generateServerSecrets } from './secrets.mjs';
import { startServer } from './server.mjs';
import { loadSettings, SettingsError } from './settings.mjs';
import { measureThroughput } from './throughput.mjs';
import { benchTokenVerify } from './token-verify.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

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

    // Throughput: one production child, quiet logging.
    const db = await createBenchDatabase(settings.databaseUrl, progress);
    databases.push(db);
    progress(`starting the server (production, ${db.kind} database)`);
    const server = await startServer({
      root: ROOT,
      env: { ...secrets, ...db.env, LOG_LEVEL: 'warn' },
      nodeArgs,
      track: servers,
    });
    progress(`server pid ${server.pid} on ${server.url}; seeding users`);
    const throughput = await measureThroughput(server, settings, progress);
    await server.stop();

    // Queries per request: a second child that logs every SQL statement.
    progress('counting SQL queries per request (LOG_LEVEL=debug child)');
    const countDb = await createBenchDatabase(settings.databaseUrl, progress);
    databases.push(countDb);
    const queries = await countQueries({
      root: ROOT,
      env: { ...secrets, ...countDb.env },
      requests: settings.countRequests,
      nodeArgs,
      track: servers,
    });
    // What the cache TTL costs: reads per session per TTL under load, with a 1 s TTL (same database).
    progress('counting session re-reads under load with SESSION_CACHE_TTL=1s');
    const cacheTtl = await measureCacheTtlReads({
      root: ROOT,
      env: { ...secrets, ...countDb.env },
      durationSec: settings.smoke ? 2 : 5,
      nodeArgs,
      track: servers,
    });
    await cleanup();

    progress('timing access-token verification in-process');
    const tokenVerify = await benchTokenVerify({ root: ROOT, timeMs: settings.verifyTimeMs });

    const scenarioSummary = summarizeScenarios(throughput.scenarios, throughput.rounds, BASELINE);
    const report = {
      version: REPORT_VERSION,
      command: settings.smoke ? 'npm run bench:smoke' : 'npm run bench',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      commit: gitCommit(),
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
      },
      machine: { ...describeMachine(), loadAverageStart, loadAverageEnd: loadAverage() },
      database: { kind: db.kind, fresh: db.fresh },
      scenarios: scenarioSummary,
      refresh: throughput.refresh,
      queriesPerRequest: queries,
      cacheTtlReads: cacheTtl,
      tokenVerify,
      targets: evaluateTargets(
        scenarioSummary,
        queries,
        throughput.refresh.sessionsLostBetweenRuns + throughput.refresh.starved,
        cacheTtl,
      ),
    };
    writeFileSync(settings.out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(formatReport(report));
    progress(`wrote ${settings.out}`);
  } finally {
    await cleanup();
  }
}

function describeMachine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpuCount: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
  };
}

function loadAverage() {
  return os.loadavg().map((v) => Math.round(v * 100) / 100);
}

/** The commit measured, when this is a git checkout (read-only). */
function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return null;
  }
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
