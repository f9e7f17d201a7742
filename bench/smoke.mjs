// @ts-check
/**
 * `npm run bench:smoke` (CI, after the tests): a seconds-long benchmark run that proves the benchmark still
 * works end to end and writes the JSON it promises. It never judges speed: only that every figure is there.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { haproxyPath } from './haproxy.mjs';
import { checkScaleOut } from './scale-out-check.mjs';

const RUN = join(dirname(fileURLToPath(import.meta.url)), 'run.mjs');
const BARE = ['bare-anonymous', 'bare-user', 'bare-born-anonymous', 'bare-born-user'];
/** Gatehouse's `me` scenarios, each also set beside the bare server on Gatehouse's HTTP construction. */
const BESIDE_BORN = ['me-anonymous', 'me-bearer', 'me-cookie'];
const COMPARED = [...BARE, 'me-anonymous', 'me-bearer', 'me-cookie'];
const METRICS = { 'me-bearer-metrics': 'metrics', 'me-bearer-metrics-off': 'metrics-off' };
const SCENARIOS = [...COMPARED, ...Object.keys(METRICS), 'my-sessions-bearer', 'refresh', 'login'];
/** /proc gives the server children's CPU time and resident set; elsewhere those figures are n/a. */
const HAS_PROC = process.platform === 'linux';

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-smoke-'));
  const out = join(dir, 'bench-results.json');
  try {
    const code = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [RUN], {
        env: { ...process.env, BENCH_SMOKE: 'true', BENCH_DURATION: '1', BENCH_ROUNDS: '1', BENCH_OUT: out },
        stdio: 'inherit',
      });
      child.once('error', reject);
      child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal));
    });
    if (code !== 0) throw new Error(`the benchmark exited with ${code}`);
    const problems = checkReport(JSON.parse(readFileSync(out, 'utf8')));
    if (problems.length > 0)
      throw new Error(`the benchmark's JSON is incomplete:\n  ${problems.join('\n  ')}`);
    process.stderr.write('[bench:smoke] ok: the benchmark ran and wrote every expected figure\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Every key a reader of the JSON relies on, with a value of the right type (not a speed).
 *
 * @param {any} report
 * @returns {string[]}
 */
function checkReport(report) {
  /** @type {string[]} */
  const problems = [];
  const expect = (/** @type {boolean} */ ok, /** @type {string} */ what) => {
    if (!ok) problems.push(what);
  };
  const isNumber = (/** @type {unknown} */ v) => typeof v === 'number' && Number.isFinite(v);

  expect(report?.version === 2, 'version is 2');
  expect(typeof report?.machine?.node === 'string', 'machine.node');
  expect(isNumber(report?.machine?.cpuCount), 'machine.cpuCount');
  expect(['embedded', 'postgres'].includes(report?.database?.kind), 'database.kind');
  for (const id of SCENARIOS) {
    const s = report?.scenarios?.[id];
    expect(
      isNumber(s?.median?.requestsPerSec) && s.median.requestsPerSec > 0,
      `scenarios.${id}.median.requestsPerSec > 0`,
    );
    const keys = [
      'p50Ms',
      'p99Ms',
      'ratioToBaseline',
      'ratioToBareAnonymous',
      'heapUsedMiB',
      'gcMsPerRequest',
    ];
    if (COMPARED.includes(id)) keys.push('ratioToReference', 'p99RatioToReference');
    if (BESIDE_BORN.includes(id)) keys.push('ratioToBorn', 'p99RatioToBorn');
    if (HAS_PROC) keys.push('serverCpuMsPerRequest', 'rssMiB');
    for (const key of keys) expect(isNumber(s?.median?.[key]), `scenarios.${id}.median.${key}`);
    for (const key of ['requestsPerSec', 'p99Ms']) {
      expect(
        isNumber(s?.spread?.[key]?.min) && isNumber(s?.spread?.[key]?.max),
        `scenarios.${id}.spread.${key} min and max`,
      );
    }
    const server = BARE.includes(id)
      ? id.startsWith('bare-born')
        ? 'bare-born'
        : 'bare'
      : (METRICS[/** @type {keyof typeof METRICS} */ (id)] ?? 'gatehouse');
    expect(s?.server === server, `scenarios.${id}.server`);
    expect(isNumber(s?.failures?.total), `scenarios.${id}.failures.total`);
    expect(Array.isArray(s?.rounds) && s.rounds.length > 0, `scenarios.${id}.rounds`);
    const warm = report?.warmup?.[id];
    if (COMPARED.includes(id)) {
      expect(
        Array.isArray(warm) && warm.length > 0 && warm.every((/** @type {any} */ w) => w.requestsPerSec > 0),
        `warmup.${id} (every slice answered)`,
      );
    }
  }
  expect(
    isNumber(report?.metricsCost?.inProcess?.addedUsPerRequest),
    'metricsCost.inProcess.addedUsPerRequest',
  );
  for (const key of ['ratio', 'cpuRatio']) {
    if (key === 'cpuRatio' && !HAS_PROC) continue;
    expect(isNumber(report?.metricsCost?.[key]), `metricsCost.${key} (metrics on / off)`);
  }
  const lp = report?.loginPressure;
  const lpKeys = [
    'aloneP99Ms',
    'underLoginsP99Ms',
    'p99Ratio',
    'aloneEventLoopBusy',
    'underLoginsEventLoopBusy',
  ];
  if (HAS_PROC) lpKeys.push('aloneMainThreadWaiting', 'underLoginsMainThreadWaiting');
  for (const key of lpKeys) {
    expect(isNumber(lp?.median?.[key]), `loginPressure.median.${key}`);
  }
  expect(
    isNumber(lp?.median?.loginsPerSec) && lp.median.loginsPerSec > 0,
    'loginPressure.median.loginsPerSec > 0',
  );
  expect(lp?.parallelLogins === 20, 'loginPressure.parallelLogins is 20');
  for (const key of ['aloneP99Ms', 'underLoginsP99Ms', 'loginsPerSec']) {
    expect(isNumber(report?.loginPressureUncapped?.median?.[key]), `loginPressureUncapped.median.${key}`);
  }
  expect(isNumber(report?.argon2?.boundCapped), 'argon2.boundCapped');
  expect(isNumber(lp?.failures) && isNumber(lp?.skipped), 'loginPressure.failures and skipped');
  const argon2 = report?.argon2;
  expect(/^argon2id m=\d+,t=\d+,p=\d+$/.test(String(argon2?.parameters)), 'argon2.parameters');
  for (const key of ['boundPerCore', 'boundAllCores', 'cpuMsPerVerify']) {
    expect(isNumber(argon2?.[key]) && argon2[key] > 0, `argon2.${key} > 0`);
  }
  expect(isNumber(argon2?.verifyMs?.mean), 'argon2.verifyMs.mean');
  expect(isNumber(argon2?.parallel?.perSec), 'argon2.parallel.perSec');
  for (const transport of ['bearer', 'cookie', 'mySessions']) {
    const q = report?.queriesPerRequest?.[transport];
    expect(
      isNumber(q?.perRequest) && isNumber(q?.requests) && q.requests > 0,
      `queriesPerRequest.${transport}`,
    );
  }
  for (const key of ['requests', 'queries', 'readsPerSessionPerTtl', 'maxExpected']) {
    expect(isNumber(report?.cacheTtlReads?.[key]), `cacheTtlReads.${key}`);
  }
  for (const mode of ['cold', 'cached']) {
    expect(isNumber(report?.tokenVerify?.[mode]?.meanUs), `tokenVerify.${mode}.meanUs`);
  }
  for (const name of [
    'anonymousToBareRatio',
    'bearerToBareRatio',
    'cookieToBareRatio',
    'authenticatedP99ToBare',
    'bearerToAnonymousRatio',
    'cookieToAnonymousRatio',
    'queriesPerAuthenticatedRequest',
    'sessionReadsUnderCacheTtl',
    'failures',
  ]) {
    expect(typeof report?.targets?.[name]?.met === 'boolean', `targets.${name}`);
  }
  problems.push(
    ...checkScaleOut(report?.scaleOut, Boolean(process.env.DATABASE_URL), Boolean(haproxyPath())),
  );
  return problems;
}

main().catch((error) => {
  process.stderr.write(`[bench:smoke] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
