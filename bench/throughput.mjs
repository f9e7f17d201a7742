// @ts-check
import { setTimeout as sleep } from 'node:timers/promises';
import { runScenario } from './load.mjs';
import { eventLoopBusy, runMemory } from './child-figures.mjs';
import { METRICS_SCENARIO, METRICS_TWIN_SCENARIO } from './metrics-cost.mjs';
import { ME_SCENARIOS, OTHER_SCENARIOS } from './scenarios.mjs';
import { round } from './stats.mjs';

/** Warm-up of a scenario is measured in this many slices, so the report shows whether it levelled off. */
const WARMUP_SLICES = 3;
/** The scenarios other than `me` warm up for this share of BENCH_WARMUP (their cost is the database or argon2). */
const OTHER_WARMUP_SHARE = 0.25;
/** Seconds of unmeasured load on the same server right before each measured `me` run. */
const PRIMER_SEC = 1;
/** A warm-up shorter than this is skipped (the smoke run's other scenarios): it would warm nothing. */
const MIN_WARMUP_SEC = 0.5;

/**
 * @typedef {import('./load.mjs').RunResult & { memory: import('./child-figures.mjs').RunMemory,
 *   eventLoopBusy: number | null }} MeasuredRun
 * @typedef {Partial<Record<import('./load.mjs').Scenario['server'], import('./server.mjs').RunningServer>>} Servers
 */

/**
 * The load phase: warms each server up with each credential, then runs every scenario once per round. Rounds
 * interleave the scenarios (the `me` ones of both servers in a rotated order) so that a noisy neighbour slows
 * them alike, and every ratio is taken between runs of the same round. Each run also records the answering
 * child's memory and garbage collection.
 *
 * @param {object} options
 * @param {Servers} options.servers
 * @param {Map<string, import('./load.mjs').Scenario>} options.scenarios
 * @param {import('./refresh-pool.mjs').RefreshPool} options.refreshPool
 * @param {import('./settings.mjs').BenchSettings} options.settings
 * @param {(message: string) => void} options.progress
 */
export async function measureThroughput({ servers, scenarios, refreshPool, settings, progress }) {
  let sessionsLost = 0;

  /**
   * @param {string} id
   * @param {number} seconds
   * @returns {Promise<MeasuredRun>}
   */
  const run = async (id, seconds) => {
    const scenario = scenarios.get(id);
    if (!scenario) throw new Error(`no scenario ${id}`);
    const server = servers[scenario.server];
    if (!server) throw new Error(`no ${scenario.server} server for ${id}`);
    const peakReset = server.resetPeakRss();
    const before = await server.sample();
    const result = await runScenario(server.url, scenario, seconds, server.cpuSeconds);
    const after = await server.sample();
    const rss = server.rss();
    if (!server.alive())
      throw new Error(`the ${scenario.server} server died during ${id}:\n${server.recentOutput()}`);
    if (id === 'refresh') sessionsLost += await refreshPool.recover(server.url);
    await sleep(settings.settleMs);
    return {
      ...result,
      memory: runMemory({ before, after, rss, peakReset, requests: result.requests }),
      eventLoopBusy: eventLoopBusy(before, after),
    };
  };

  /** @type {Record<string, { slice: number, durationSec: number, requestsPerSec: number | null, serverCpuMsPerRequest: number | null }[]>} */
  const warmup = {};
  if (settings.warmupSec > 0) {
    progress(`warming up: ${settings.warmupSec} s per server and credential`);
    for (const id of [...ME_SCENARIOS, ...OTHER_SCENARIOS]) {
      const seconds = ME_SCENARIOS.includes(id)
        ? settings.warmupSec
        : settings.warmupSec * OTHER_WARMUP_SHARE;
      if (seconds < MIN_WARMUP_SEC) continue;
      const slices = Math.max(1, Math.min(WARMUP_SLICES, Math.floor(seconds)));
      warmup[id] = [];
      for (let i = 0; i < slices; i++) {
        const result = await run(id, seconds / slices);
        warmup[id].push({
          slice: i + 1,
          durationSec: round(result.durationSec, 2) ?? 0,
          requestsPerSec: round(result.requestsPerSec, 1),
          serverCpuMsPerRequest:
            result.serverCpuMsPerRequest === null ? null : round(result.serverCpuMsPerRequest, 4),
        });
      }
      progress(`warm-up ${id}: ${warmup[id].map((w) => w.requestsPerSec?.toFixed(0)).join(' -> ')} req/s`);
    }
  }

  const primerSec = Math.min(PRIMER_SEC, settings.durationSec / 3);
  /** @type {import('./summary.mjs').Round[]} */
  const rounds = [];
  for (let r = 0; r < settings.rounds; r++) {
    const order = [...swapTwinsOnOddRounds(rotate(ME_SCENARIOS, r), r), ...OTHER_SCENARIOS];
    const results = new Map();
    for (const id of order) {
      // Unmeasured first: the first second after the load moves to another child runs slower (the previous one is
      // still collecting garbage, caches are cold); without it, whichever `me` ran first after a switch lost up to a
      // third (the metrics twins, one process: 0.70 × when "on" ran first, 1.06 × when second, same round).
      if (ME_SCENARIOS.includes(id)) await run(id, primerSec);
      const result = await run(id, settings.durationSec);
      results.set(id, result);
      const cpu =
        result.serverCpuMsPerRequest === null ? 'n/a' : (result.serverCpuMsPerRequest * 1000).toFixed(0);
      const rss = result.memory.rssMiB === null ? 'n/a' : result.memory.rssMiB.toFixed(0);
      progress(
        `round ${r + 1}/${settings.rounds} ${id}: ${result.requestsPerSec.toFixed(0)} req/s, ` +
          `p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ` +
          `server CPU ${cpu} us/req, RSS ${rss} MiB, ${result.failed} failed`,
      );
    }
    rounds.push({ round: r + 1, order, results });
  }

  return {
    rounds,
    warmup,
    refresh: {
      sessions: refreshPool.size,
      sessionsLostBetweenRuns: sessionsLost,
      starved: refreshPool.starved,
    },
  };
}

/**
 * The metrics twins (one process, bench/metrics-cost.mjs) run next to each other; every other round the other one
 * goes first, so that neither always runs right after another child's scenario.
 *
 * @param {string[]} order
 * @param {number} round
 */
function swapTwinsOnOddRounds(order, round) {
  const on = order.indexOf(METRICS_SCENARIO);
  const off = order.indexOf(METRICS_TWIN_SCENARIO);
  if (round % 2 === 1 && on >= 0 && off >= 0) [order[on], order[off]] = [order[off], order[on]];
  return order;
}

/**
 * @template T
 * @param {readonly T[]} items
 * @param {number} by
 */
function rotate(items, by) {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
