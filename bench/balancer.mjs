// @ts-check
import { ME } from './client.mjs';
import { startHaproxy } from './haproxy.mjs';
import { runScenario } from './load.mjs';
import { median, round } from './stats.mjs';

/**
 * Throughput through HAProxy (round robin, health check GET /readyz), in front of three Gatehouse instances on
 * one PostgreSQL and in front of one of them: `me` by bearer, the same token on every connection, interleaved
 * rounds. The answering instances' CPU is summed over all of them, so CPU per request is comparable.
 *
 * @param {object} options
 * @param {string} options.haproxy  the binary
 * @param {import('./server.mjs').RunningServer[]} options.instances  three running children on one database
 * @param {string} options.accessToken  a bearer session valid on all of them
 * @param {{ connections: number, durationSec: number, rounds: number, smoke: boolean }} options.settings
 * @param {(message: string) => void} options.progress
 */
export async function measureBalancer({ haproxy, instances, accessToken, settings, progress }) {
  const ports = instances.map((s) => s.port);
  const three = await startHaproxy(haproxy, ports);
  const one = await startHaproxy(haproxy, ports.slice(0, 1));
  // More connections than one server needs: with three behind the balancer, each should still be kept busy.
  const connections = settings.connections * 3;
  /** @type {import('./load.mjs').Scenario} */
  const scenario = {
    id: 'me-bearer-balanced',
    label: 'me, bearer, through HAProxy',
    description: '`me` by bearer through HAProxy',
    server: 'gatehouse',
    connections,
    headers: { authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ query: ME, variables: {} }),
    check: (body) => body.includes('"me":{"id"'),
  };
  const cpu = (/** @type {import('./server.mjs').RunningServer[]} */ servers) => () => {
    let total = 0;
    for (const s of servers) {
      const seconds = s.cpuSeconds();
      if (seconds === undefined) return undefined;
      total += seconds;
    }
    return total;
  };
  try {
    const warmSec = settings.smoke ? 0.5 : 3;
    progress(`balancer: warming up three instances and one behind HAProxy (${warmSec} s each)`);
    await runScenario(three.url, scenario, warmSec, () => undefined);
    await runScenario(one.url, scenario, warmSec, () => undefined);
    /** @type {{ three: import('./load.mjs').RunResult, one: import('./load.mjs').RunResult }[]} */
    const rounds = [];
    for (let r = 0; r < settings.rounds; r++) {
      progress(
        `balancer: round ${r + 1}/${settings.rounds}, ${connections} connections, ${settings.durationSec} s each`,
      );
      // Alternate which goes first, so a neighbour's burst does not always land on the same side.
      const order = r % 2 === 0 ? ['three', 'one'] : ['one', 'three'];
      /** @type {Record<string, import('./load.mjs').RunResult>} */
      const round_ = {};
      for (const side of order) {
        const target = side === 'three' ? three : one;
        const counted = side === 'three' ? instances : instances.slice(0, 1);
        round_[side] = await runScenario(target.url, scenario, settings.durationSec, cpu(counted));
      }
      rounds.push({ three: /** @type {any} */ (round_.three), one: /** @type {any} */ (round_.one) });
    }
    const side = (/** @type {'three' | 'one'} */ key) => ({
      instances: key === 'three' ? 3 : 1,
      requestsPerSec: round(median(rounds.map((r) => r[key].requestsPerSec)), 0),
      p50Ms: round(median(rounds.map((r) => r[key].p50Ms)), 2),
      p99Ms: round(median(rounds.map((r) => r[key].p99Ms)), 2),
      serverCpuMsPerRequest: round(median(rounds.map((r) => r[key].serverCpuMsPerRequest ?? Number.NaN)), 3),
      failures: rounds.reduce((n, r) => n + r[key].failed, 0),
      non2xx: rounds.reduce((n, r) => n + r[key].non2xx, 0),
      errors: rounds.reduce((n, r) => n + r[key].errors, 0),
    });
    return {
      connections,
      rounds: rounds.length,
      three: side('three'),
      one: side('one'),
      ratio: round(median(rounds.map((r) => r.three.requestsPerSec / r.one.requestsPerSec)), 2),
    };
  } finally {
    await three.stop();
    await one.stop();
  }
}
