// @ts-check
import { gql, loginBearer, ME, newCredentials, registerBearer } from './client.mjs';
import { performance } from 'node:perf_hooks';
import { bucketQuantile, histogram, histogramDelta, scrapeMetrics } from './metrics-text.mjs';
import { percentile, round } from './stats.mjs';

const PROPAGATION = 'gatehouse_revocation_propagation_seconds';
/** Polls of B per revocation before giving up on it (one request in flight: about 1 ms each on loopback). */
const MAX_POLLS = 5_000;

/**
 * Cross-instance revocation latency (issue 16): a bearer session that instance B has cached is logged out
 * through instance A; the benchmark then asks B, one request at a time, until B refuses the token. Two views:
 * the client's (from A's answer to B's first refusal, so at most one round trip late; also when that refused
 * request was sent, how many polls it took, and how long A's logout took to answer) and B's own histogram
 * `gatehouse_revocation_propagation_seconds` (from the announcing transaction's commit, on the database clock, to
 * B hearing it), whose buckets bound each quantile from above.
 *
 * @param {object} options
 * @param {{ a: import('./server.mjs').RunningServer, b: import('./server.mjs').RunningServer }} options.servers
 * @param {string} options.metricsToken
 * @param {number} options.revocations
 * @param {(message: string) => void} options.progress
 */
export async function measureRevocation({ servers, metricsToken, revocations, progress }) {
  const { a, b } = servers;
  const credentials = newCredentials('revoked');
  await registerBearer(a.url, credentials);
  progress(`revocation latency: ${revocations} logins through A, each logged out through A while B polls`);
  /** @type {string[]} */
  const tokens = [];
  for (let i = 0; i < revocations; i++) tokens.push((await loginBearer(a.url, credentials)).accessToken);

  const before = histogram(await scrapeMetrics(b.url, metricsToken), PROPAGATION);
  /** @type {number[]} */
  const latenciesMs = [];
  /** @type {number[]} */
  const pollsNeeded = [];
  /** @type {number[]} */
  const sentMs = [];
  /** @type {number[]} A's logout round trip: it answers once every listening instance confirmed the eviction. */
  const logoutMs = [];
  let neverRefused = 0;
  for (const token of tokens) {
    const auth = { authorization: `Bearer ${token}` };
    // B must have the session cached, else its refusal would prove nothing about propagation.
    const cached = await gql(b.url, ME, {}, auth);
    if (cached.status !== 200 || !cached.body.data?.me)
      throw new Error(`B did not accept the session: ${cached.text}`);
    const asked = performance.now();
    const out = await gql(a.url, 'mutation { logout }', {}, auth);
    if (out.status !== 200 || out.body.errors) throw new Error(`logout through A failed: ${out.text}`);
    const answered = performance.now();
    logoutMs.push(answered - asked);
    let polls = 0;
    let sent = answered;
    for (; polls < MAX_POLLS; polls++) {
      sent = performance.now();
      const res = await gql(b.url, ME, {}, auth);
      if (res.status === 401) break;
    }
    if (polls === MAX_POLLS) neverRefused++;
    else {
      latenciesMs.push(performance.now() - answered);
      sentMs.push(sent - answered);
      pollsNeeded.push(polls + 1);
    }
  }
  const heard = histogramDelta(before, histogram(await scrapeMetrics(b.url, metricsToken), PROPAGATION));
  const sorted = [...latenciesMs].sort((x, y) => x - y);
  const bound = (/** @type {number} */ q) => {
    const le = bucketQuantile(heard, q);
    return le === null ? null : Number.isFinite(le) ? le * 1000 : null;
  };
  return {
    revocations,
    refused: latenciesMs.length,
    neverRefused,
    client: {
      p50Ms: round(percentile(sorted, 50), 2),
      p99Ms: round(percentile(sorted, 99), 2),
      maxMs: round(sorted[sorted.length - 1] ?? Number.NaN, 2),
      // When the refused request left the client: B had heard of the logout before answering it.
      refusedSentP99Ms: round(
        percentile(
          [...sentMs].sort((x, y) => x - y),
          99,
        ),
        2,
      ),
      pollsP50: percentile(
        [...pollsNeeded].sort((x, y) => x - y),
        50,
      ),
      pollsMax: Math.max(0, ...pollsNeeded),
      // Refused by the very first request after A's answer: A waits for B's confirmation, so all of them should be.
      refusedAtOnce: pollsNeeded.filter((polls) => polls === 1).length,
    },
    logout: {
      p50Ms: round(
        percentile(
          [...logoutMs].sort((x, y) => x - y),
          50,
        ),
        2,
      ),
      p99Ms: round(
        percentile(
          [...logoutMs].sort((x, y) => x - y),
          99,
        ),
        2,
      ),
    },
    histogram: {
      heard: heard.count,
      meanMs: heard.count > 0 ? round((heard.sum / heard.count) * 1000, 2) : null,
      p50AtMostMs: bound(0.5),
      p99AtMostMs: bound(0.99),
    },
    goalP99Ms: 100,
  };
}
