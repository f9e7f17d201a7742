// @ts-check
import { setTimeout as sleep } from 'node:timers/promises';
import { runScenario } from './load.mjs';
import { buildScenarios, ME_SCENARIOS, OTHER_SCENARIOS, seed } from './scenarios.mjs';

/**
 * The load phase: seeds users, warms the server up, then runs every scenario once per round. Rounds
 * interleave the scenarios (the `me` ones in a rotated order) so that a noisy neighbour slows them alike, and
 * every ratio is taken between runs of the same round.
 *
 * @param {import('./server.mjs').RunningServer} server
 * @param {import('./settings.mjs').BenchSettings} settings
 * @param {(message: string) => void} progress
 */
export async function measureThroughput(server, settings, progress) {
  const seeds = await seed(server.url, settings);
  const { scenarios, refreshPool } = await buildScenarios(server.url, seeds, settings);
  let sessionsLost = 0;

  const run = async (/** @type {string} */ id, /** @type {number} */ seconds) => {
    const scenario = scenarios.get(id);
    if (!scenario) throw new Error(`no scenario ${id}`);
    const result = await runScenario(server.url, scenario, seconds, server.cpuSeconds);
    if (!server.alive()) throw new Error(`the server died during ${id}:\n${server.recentOutput()}`);
    if (id === 'refresh') sessionsLost += await refreshPool.recover(server.url);
    await sleep(settings.settleMs);
    return result;
  };

  if (settings.warmupSec > 0) {
    const warm = [...ME_SCENARIOS, 'my-sessions-bearer'];
    progress(`warming up for ${settings.warmupSec} s`);
    for (const id of warm) await run(id, settings.warmupSec / warm.length);
  }

  /** @type {import('./report.mjs').Round[]} */
  const rounds = [];
  for (let r = 0; r < settings.rounds; r++) {
    const order = [...rotate(ME_SCENARIOS, r), ...OTHER_SCENARIOS];
    const results = new Map();
    for (const id of order) {
      const result = await run(id, settings.durationSec);
      results.set(id, result);
      const cpu =
        result.serverCpuMsPerRequest === null ? 'n/a' : (result.serverCpuMsPerRequest * 1000).toFixed(0);
      progress(
        `round ${r + 1}/${settings.rounds} ${id}: ${result.requestsPerSec.toFixed(0)} req/s, ` +
          `p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ` +
          `server CPU ${cpu} us/req, ${result.failed} failed`,
      );
    }
    rounds.push({ round: r + 1, order, results });
  }

  return {
    scenarios,
    rounds,
    refresh: {
      sessions: refreshPool.size,
      sessionsLostBetweenRuns: sessionsLost,
      starved: refreshPool.starved,
    },
  };
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
