// @ts-check
import { URL } from 'node:url';

/**
 * Reading a Gatehouse child's `/metrics` (Prometheus text format): the benchmark needs a few samples, not a
 * parser for the whole format.
 */

/**
 * GETs `/metrics` with the child's METRICS_TOKEN.
 *
 * @param {string} graphqlUrl  http://127.0.0.1:PORT/graphql
 * @param {string} token
 */
export async function scrapeMetrics(graphqlUrl, token) {
  const res = await globalThis.fetch(new URL('/metrics', graphqlUrl), {
    headers: { authorization: `Bearer ${token}` },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${text.slice(0, 200)}`);
  return text;
}

/**
 * The value of the sample `name{labels}` (labels in any order; all given ones must match), 0 when absent.
 *
 * @param {string} text
 * @param {string} name
 * @param {Record<string, string>} [labels]
 */
export function sampleValue(text, name, labels = {}) {
  let total = 0;
  for (const sample of samples(text, name)) {
    if (Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) total += sample.value;
  }
  return total;
}

/**
 * A histogram's cumulative buckets (upper bound in seconds → count), its count and sum.
 *
 * @param {string} text
 * @param {string} name  without the _bucket/_count/_sum suffix
 */
export function histogram(text, name) {
  /** @type {{ le: number, count: number }[]} */
  const buckets = [];
  for (const sample of samples(text, `${name}_bucket`)) {
    const le = sample.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels.le);
    buckets.push({ le, count: sample.value });
  }
  buckets.sort((a, b) => a.le - b.le);
  return { buckets, count: sampleValue(text, `${name}_count`), sum: sampleValue(text, `${name}_sum`) };
}

/**
 * Observations between two scrapes of one histogram.
 *
 * @param {ReturnType<typeof histogram>} before
 * @param {ReturnType<typeof histogram>} after
 */
export function histogramDelta(before, after) {
  return {
    buckets: after.buckets.map((b) => ({
      le: b.le,
      count: b.count - (before.buckets.find((x) => x.le === b.le)?.count ?? 0),
    })),
    count: after.count - before.count,
    sum: after.sum - before.sum,
  };
}

/**
 * The upper bound of the bucket holding quantile `q` (0-1): what a histogram can say, "at most this"; null
 * when empty, Infinity when beyond the last finite bucket.
 *
 * @param {{ buckets: { le: number, count: number }[], count: number }} h
 * @param {number} q
 */
export function bucketQuantile(h, q) {
  if (h.count <= 0) return null;
  const rank = Math.ceil(q * h.count);
  return h.buckets.find((b) => b.count >= rank)?.le ?? null;
}

/**
 * @param {string} text
 * @param {string} name
 */
function* samples(text, name) {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    const match = /^(?:\{([^}]*)\})?\s+(\S+)/.exec(rest);
    if (!match) continue;
    /** @type {Record<string, string>} */
    const labels = {};
    for (const pair of (match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[pair[1] ?? ''] = pair[2] ?? '';
    yield { labels, value: Number(match[2]) };
  }
}
