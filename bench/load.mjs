// @ts-check
import autocannon from 'autocannon';
import process from 'node:process';
import { URL } from 'node:url';
import { BASE_HEADERS } from './client.mjs';
import { LOOPBACK } from './server.mjs';
import { percentile } from './stats.mjs';

/**
 * One kind of request the benchmark sends: a fixed `body` whose answers `check` judges, or, when every
 * request must differ (a refresh token is single-use), `next` makes each body and `settle` judges its answer.
 * Both get the connection's context, which lives from one request to its answer.
 *
 * @typedef {object} Scenario
 * @property {string} id  stable key in the JSON, e.g. `me-bearer`
 * @property {string} label  for the table
 * @property {string} description  what is sent, and what it costs the server
 * @property {'gatehouse' | 'bare' | 'bare-born' | 'metrics' | 'metrics-off' | 'uncapped'} server  which child
 *   answers it (bare-born: the bare server on Gatehouse's HTTP construction; metrics: Gatehouse with METRICS_TOKEN;
 *   metrics-off: its twin without; uncapped: PASSWORD_HASH_CONCURRENCY=0)
 * @property {string} [reference]  the bare-server scenario answering the same body, which its "x bare" divides by
 * @property {string} [bornReference]  the same, on the bare server with Gatehouse's HTTP construction
 * @property {number} connections
 * @property {Record<string, string>} headers  added to BASE_HEADERS
 * @property {string} [body]
 * @property {(body: string) => boolean} [check]  is a 2xx answer the right one (no `errors`, expected data)?
 * @property {(context: Record<string, unknown>) => string} [next]
 * @property {(status: number, body: string, context: Record<string, unknown>) => boolean} [settle]
 */

/**
 * What one run of one scenario measured. Latencies are the client's view over loopback, of all responses.
 *
 * @typedef {object} RunResult
 * @property {number} requestsPerSec  answered requests / elapsed seconds
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} requests  answered requests
 * @property {number} failed  non2xx + badBody + errors
 * @property {number} non2xx
 * @property {number} badBody  2xx answers with `errors` or not the expected data
 * @property {number} errors  connection errors and timeouts (autocannon)
 * @property {number} timeouts
 * @property {number} durationSec
 * @property {number | null} serverCpuMsPerRequest  the server's CPU time (all threads) / answered requests
 * @property {number} clientCpuMsPerRequest  this process's (autocannon's) CPU time / answered requests
 */

/**
 * Drives one scenario with autocannon for `durationSec` and summarises it.
 *
 * @param {string} url  http://127.0.0.1:PORT/graphql
 * @param {Scenario} scenario
 * @param {number} durationSec
 * @param {() => number | undefined} serverCpuSeconds  the server child's CPU time so far, if known
 * @returns {Promise<RunResult>}
 */
export function runScenario(url, scenario, durationSec, serverCpuSeconds) {
  const target = new URL(url);
  if (target.hostname !== LOOPBACK) throw new Error(`refusing to send load anywhere but ${LOOPBACK}: ${url}`);
  /** @type {number[]} */
  const latencies = [];
  let non2xx = 0;
  let badBody = 0;
  const { check, next, settle } = scenario;

  /** @type {import('autocannon').Request} */
  const request = {
    method: 'POST',
    path: target.pathname,
    headers: { ...BASE_HEADERS, ...scenario.headers },
    ...(scenario.body !== undefined ? { body: scenario.body } : {}),
    ...(next ? { setupRequest: (req, context) => ({ ...req, body: next(asRecord(context)) }) } : {}),
    onResponse: (status, body, context) => {
      // settle sees every answer (it may have something to put back); check only judges a 2xx one.
      const settled = settle ? settle(status, body, asRecord(context)) : true;
      if (status < 200 || status > 299) non2xx++;
      else if (!settled || (check && !check(body))) badBody++;
    },
  };

  return new Promise((resolve, reject) => {
    const serverCpuStart = serverCpuSeconds();
    const clientCpuStart = process.cpuUsage();
    const instance = autocannon(
      {
        url: target.origin,
        connections: scenario.connections,
        pipelining: 1,
        duration: durationSec,
        timeout: 10,
        requests: [request],
      },
      (error, result) => {
        if (error) return reject(error);
        const serverCpuEnd = serverCpuSeconds();
        const clientCpu = process.cpuUsage(clientCpuStart);
        const answered = Math.max(1, result.requests.total);
        const sorted = latencies.sort((a, b) => a - b);
        const elapsed = result.duration > 0 ? result.duration : durationSec;
        resolve({
          requestsPerSec: result.requests.total / elapsed,
          p50Ms: percentile(sorted, 50),
          p99Ms: percentile(sorted, 99),
          requests: result.requests.total,
          failed: non2xx + badBody + result.errors,
          non2xx,
          badBody,
          errors: result.errors,
          timeouts: result.timeouts,
          durationSec: elapsed,
          serverCpuMsPerRequest:
            serverCpuStart !== undefined && serverCpuEnd !== undefined
              ? ((serverCpuEnd - serverCpuStart) * 1000) / answered
              : null,
          clientCpuMsPerRequest: (clientCpu.user + clientCpu.system) / 1000 / answered,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => latencies.push(responseTimeMs));
  });
}

/**
 * autocannon types its per-connection context as a bare object.
 *
 * @param {object} context
 * @returns {Record<string, unknown>}
 */
function asRecord(context) {
  return /** @type {Record<string, unknown>} */ (context);
}
