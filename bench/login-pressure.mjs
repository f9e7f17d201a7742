// @ts-check
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventLoopBusy } from './child-figures.mjs';
import { runScenario } from './load.mjs';
import { pacedRequests } from './paced.mjs';
import { median, round } from './stats.mjs';

/** Logins sent at once while `me` is probed (issue 17): far more argon2 work than the libuv pool has threads. */
export const PARALLEL_LOGINS = 20;
/** The probe's rate: a light, steady load whose latency shows any wait in the event loop. */
export const PROBE_RATE = 200;

/**
 * Does argon2 starve the event loop? `me` by bearer is sent at a steady PROBE_RATE, once alone and once while
 * PARALLEL_LOGINS connections log in without pause, in every round (the order alternates), and the latencies of
 * the two are compared. argon2id runs in the libuv pool, so `me` should only feel the CPU the hashing takes from
 * it, never wait for a whole hash (about 15 ms here). Beside the latencies: how busy the event loop was, and how
 * much of the time its thread spent on a CPU and waiting for one (a loop that is busy but waiting was starved of
 * CPU by the hashing threads or the neighbours, not kept busy by its own work).
 *
 * @param {object} options
 * @param {import('./server.mjs').RunningServer} options.server
 * @param {import('./load.mjs').Scenario} options.me  the me-bearer scenario (fixed body and check)
 * @param {import('./load.mjs').Scenario} options.login
 * @param {{ rounds: number, durationSec: number, settleMs: number }} options.settings
 * @param {(message: string) => void} options.progress
 */
export async function measureMeUnderLogins(options) {
  const [result] = await measureMeUnderLoginsOn([options], options);
  return result;
}

/**
 * The same on several servers, interleaved round by round (each round: every server in turn, the order rotated),
 * so that the comparison between them (PASSWORD_HASH_CONCURRENCY capped against uncapped) sees the same noise.
 *
 * @param {{ server: import('./server.mjs').RunningServer, me: import('./load.mjs').Scenario,
 *   login: import('./load.mjs').Scenario }[]} targets
 * @param {{ settings: { rounds: number, durationSec: number, settleMs: number },
 *   progress: (message: string) => void, labels?: string[] }} options
 */
export async function measureMeUnderLoginsOn(targets, options) {
  const { settings, progress } = options;
  const runners = targets.map((t) => roundRunner(t, settings));
  /** @type {RoundEntry[][]} */
  const rounds = targets.map(() => []);
  for (let r = 0; r < settings.rounds; r++) {
    for (let k = 0; k < targets.length; k++) {
      const i = (k + r) % targets.length;
      const entry = await /** @type {(r: number) => Promise<RoundEntry>} */ (runners[i])(r);
      const label = options.labels?.[i] ? ` [${options.labels[i]}]` : '';
      progress(
        `round ${r + 1}/${settings.rounds}${label} me (bearer, ${PROBE_RATE}/s) p99 alone ${entry.alone.p99Ms} ms, ` +
          `with ${PARALLEL_LOGINS} parallel logins ${entry.underLogins.p99Ms} ms (${entry.loginsPerSec} logins/s)`,
      );
      rounds[i]?.push(entry);
    }
  }
  return rounds.map((list) => summarizeRounds(list, settings.durationSec));
}

/**
 * @typedef {{ round: number, alone: PacedSummary, underLogins: PacedSummary, loginsPerSec: number | null,
 *   loginFailures: number, p99Ratio: number | null }} RoundEntry
 */

/**
 * @param {{ server: import('./server.mjs').RunningServer, me: import('./load.mjs').Scenario,
 *   login: import('./load.mjs').Scenario }} target
 * @param {{ durationSec: number, settleMs: number }} settings
 * @returns {(round: number) => Promise<RoundEntry>}
 */
function roundRunner({ server, me, login }, settings) {
  const { body, check } = me;
  if (body === undefined || check === undefined)
    throw new Error('the me scenario needs a fixed body and check');
  const probe = () =>
    pacedRequests({
      url: server.url,
      headers: me.headers,
      body,
      check,
      ratePerSec: PROBE_RATE,
      durationSec: settings.durationSec,
    });
  const alone = async () => {
    const before = await server.sample();
    const schedule = scheduleShares(server);
    const result = await probe();
    const busy = eventLoopBusy(before, await server.sample());
    const mainThread = schedule();
    await sleep(settings.settleMs);
    return { result, busy, mainThread };
  };
  const underLogins = async () => {
    const before = await server.sample();
    const schedule = scheduleShares(server);
    const logins = { ...login, connections: PARALLEL_LOGINS };
    const [result, loginRun] = await Promise.all([
      probe(),
      runScenario(server.url, logins, settings.durationSec, server.cpuSeconds),
    ]);
    const busy = eventLoopBusy(before, await server.sample());
    const mainThread = schedule();
    if (!server.alive()) throw new Error(`the server died during logins:\n${server.recentOutput()}`);
    // The logins still being hashed when the load stopped must not spill into the next measurement.
    await sleep(settings.settleMs);
    return { result, logins: loginRun, busy, mainThread };
  };
  return async (r) => {
    let a, u;
    if (r % 2 === 0) {
      a = await alone();
      u = await underLogins();
    } else {
      u = await underLogins();
      a = await alone();
    }
    return {
      round: r + 1,
      alone: summary(a.result, a.busy, a.mainThread),
      underLogins: summary(u.result, u.busy, u.mainThread),
      loginsPerSec: round(u.logins.requestsPerSec, 1),
      loginFailures: u.logins.failed,
      p99Ratio: round(u.result.p99Ms / a.result.p99Ms, 2),
    };
  };
}

/**
 * @param {RoundEntry[]} rounds
 * @param {number} durationSec
 */
function summarizeRounds(rounds, durationSec) {
  const med = (/** @type {(r: RoundEntry) => number | null} */ pick, /** @type {number} */ digits) =>
    round(median(rounds.map((r) => pick(r) ?? Number.NaN)), digits);
  return {
    ratePerSec: PROBE_RATE,
    parallelLogins: PARALLEL_LOGINS,
    durationSec,
    median: {
      aloneP50Ms: med((r) => r.alone.p50Ms, 3),
      aloneP99Ms: med((r) => r.alone.p99Ms, 3),
      underLoginsP50Ms: med((r) => r.underLogins.p50Ms, 3),
      underLoginsP99Ms: med((r) => r.underLogins.p99Ms, 3),
      underLoginsMaxMs: med((r) => r.underLogins.maxMs, 3),
      p99Ratio: med((r) => r.p99Ratio, 2),
      loginsPerSec: med((r) => r.loginsPerSec, 1),
      aloneEventLoopBusy: med((r) => r.alone.eventLoopBusy, 3),
      underLoginsEventLoopBusy: med((r) => r.underLogins.eventLoopBusy, 3),
      aloneMainThreadWaiting: med((r) => r.alone.mainThreadWaiting, 3),
      underLoginsMainThreadWaiting: med((r) => r.underLogins.mainThreadWaiting, 3),
      aloneMainThreadOnCpu: med((r) => r.alone.mainThreadOnCpu, 3),
      underLoginsMainThreadOnCpu: med((r) => r.underLogins.mainThreadOnCpu, 3),
    },
    failures: rounds.reduce((t, r) => t + r.alone.failed + r.underLogins.failed + r.loginFailures, 0),
    // Requests the probe could not send because the server had fallen a second behind: slowness, not failure.
    skipped: rounds.reduce((t, r) => t + r.alone.skipped + r.underLogins.skipped, 0),
    rounds,
  };
}

/** @typedef {ReturnType<typeof summary>} PacedSummary */

/**
 * Starts a clock on the server's main thread; calling the result gives the shares of the wall time since then that
 * the thread spent on a CPU and waiting for one (nulls where /proc has no schedstat).
 *
 * @param {import('./server.mjs').RunningServer} server
 */
function scheduleShares(server) {
  const before = server.mainThreadSchedule();
  const started = performance.now();
  return () => {
    const after = server.mainThreadSchedule();
    const wallMs = performance.now() - started;
    if (!before || !after || wallMs <= 0) return { onCpu: null, waiting: null };
    return {
      onCpu: (after.onCpuMs - before.onCpuMs) / wallMs,
      waiting: (after.waitingMs - before.waitingMs) / wallMs,
    };
  };
}

/**
 * @param {import('./paced.mjs').PacedResult} result
 * @param {number | null} busy  the server's event loop utilisation meanwhile
 * @param {{ onCpu: number | null, waiting: number | null }} mainThread  its main thread's schedule meanwhile
 */
function summary(result, busy, mainThread) {
  return {
    eventLoopBusy: busy === null ? null : round(busy, 3),
    mainThreadOnCpu: mainThread.onCpu === null ? null : round(mainThread.onCpu, 3),
    mainThreadWaiting: mainThread.waiting === null ? null : round(mainThread.waiting, 3),
    sent: result.sent,
    answered: result.answered,
    skipped: result.skipped,
    failed: result.failed,
    p50Ms: round(result.p50Ms, 3),
    p99Ms: round(result.p99Ms, 3),
    maxMs: round(result.maxMs, 3),
  };
}
