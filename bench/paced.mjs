// @ts-check
import { Buffer } from 'node:buffer';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval, setTimeout } from 'node:timers';
import { URL } from 'node:url';
import { BASE_HEADERS } from './client.mjs';
import { LOOPBACK } from './server.mjs';
import { percentile } from './stats.mjs';

/**
 * More requests in flight than this means the server has stopped keeping up (over a second of backlog at the
 * probe's rate): further ticks are skipped and counted rather than piling up sockets.
 */
const MAX_IN_FLIGHT = 256;

/**
 * @typedef {object} PacedResult
 * @property {number} ratePerSec  the rate asked for
 * @property {number} sent
 * @property {number} answered
 * @property {number} skipped  ticks that found MAX_IN_FLIGHT requests still waiting (the server fell behind)
 * @property {number} failed  non-2xx, wrong bodies and connection errors (never timing: that is the latency)
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} maxMs
 */

/**
 * Sends one request every 1/`ratePerSec` s for `durationSec`, whether or not earlier ones have been answered (an
 * open loop, unlike autocannon's connections that each wait for their answer), and times each from send to last
 * byte. A server whose event loop is blocked (say, by argon2 on the main thread) shows it in these latencies, not
 * as a lower request rate that hides the wait.
 *
 * @param {object} options
 * @param {string} options.url  http://127.0.0.1:PORT/graphql
 * @param {Record<string, string>} options.headers  added to BASE_HEADERS
 * @param {string} options.body
 * @param {(body: string) => boolean} options.check  is a 2xx answer the right one?
 * @param {number} options.ratePerSec
 * @param {number} options.durationSec
 * @returns {Promise<PacedResult>}
 */
export function pacedRequests(options) {
  const target = new URL(options.url);
  if (target.hostname !== LOOPBACK)
    throw new Error(`refusing to send load anywhere but ${LOOPBACK}: ${options.url}`);
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const headers = {
    ...BASE_HEADERS,
    ...options.headers,
    'content-length': String(Buffer.byteLength(options.body)),
  };
  /** @type {number[]} */
  const latencies = [];
  let sent = 0;
  let skipped = 0;
  let failed = 0;
  let inFlight = 0;

  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished || inFlight > 0 || timer !== undefined) return;
      finished = true;
      agent.destroy();
      latencies.sort((a, b) => a - b);
      resolve({
        ratePerSec: options.ratePerSec,
        sent,
        answered: latencies.length,
        skipped,
        failed,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        maxMs: latencies.at(-1) ?? Number.NaN,
      });
    };
    const send = () => {
      if (inFlight >= MAX_IN_FLIGHT) {
        skipped++;
        return;
      }
      sent++;
      inFlight++;
      const started = performance.now();
      const done = (/** @type {boolean} */ ok) => {
        inFlight--;
        if (ok) latencies.push(performance.now() - started);
        else failed++;
        finish();
      };
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers },
        (res) => {
          /** @type {Buffer[]} */
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            done(status >= 200 && status < 300 && options.check(Buffer.concat(chunks).toString('utf8')));
          });
          res.on('error', () => done(false));
        },
      );
      req.on('error', () => done(false));
      req.end(options.body);
    };
    /** @type {NodeJS.Timeout | undefined} */
    let timer = setInterval(send, 1000 / options.ratePerSec);
    setTimeout(() => {
      clearInterval(timer);
      timer = undefined;
      finish();
    }, options.durationSec * 1000);
  });
}
