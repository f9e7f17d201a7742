// @ts-check
import process from 'node:process';
/**
 * What `npm run bench:smoke` checks of the issue-16 parts (the shape of `scaleOut` in the JSON, never a speed).
 * Without DATABASE_URL they are skipped, and only the reason is required.
 *
 * @param {any} s  report.scaleOut
 * @param {boolean} withDatabase  whether DATABASE_URL was set
 * @param {boolean} withHaproxy  whether HAProxy is installed
 * @returns {string[]} what is missing
 */
export function checkScaleOut(s, withDatabase, withHaproxy) {
  /** @type {string[]} */
  const problems = [];
  const expect = (/** @type {boolean} */ ok, /** @type {string} */ what) => {
    if (!ok) problems.push(`scaleOut.${what}`);
  };
  const isNumber = (/** @type {unknown} */ v) => typeof v === 'number' && Number.isFinite(v);
  if (!withDatabase) {
    expect(
      typeof s?.skipped === 'string' && s.skipped.includes('DATABASE_URL'),
      'skipped (names DATABASE_URL)',
    );
    return problems;
  }
  const r = s?.revocation;
  expect(
    isNumber(r?.revocations) && r.refused === r.revocations,
    'revocation: every revoked token refused by B',
  );
  for (const key of ['p50Ms', 'p99Ms', 'refusedSentP99Ms', 'pollsP50', 'refusedAtOnce'])
    expect(isNumber(r?.client?.[key]), `revocation.client.${key}`);
  for (const key of ['p50Ms', 'p99Ms']) expect(isNumber(r?.logout?.[key]), `revocation.logout.${key}`);
  expect(isNumber(r?.histogram?.heard) && r.histogram.heard >= r.revocations, 'revocation.histogram.heard');
  expect(isNumber(r?.histogram?.meanMs), 'revocation.histogram.meanMs');
  const b = s?.balancer;
  if (withHaproxy) {
    for (const side of ['three', 'one']) {
      expect(
        isNumber(b?.[side]?.requestsPerSec) && b[side].requestsPerSec > 0,
        `balancer.${side}.requestsPerSec`,
      );
      expect(isNumber(b?.[side]?.p99Ms), `balancer.${side}.p99Ms`);
      expect(b?.[side]?.failures === 0, `balancer.${side}.failures is 0`);
    }
    expect(isNumber(b?.ratio), 'balancer.ratio');
  } else expect(typeof b?.skipped === 'string', 'balancer.skipped');
  expect(Array.isArray(s?.sessionScale) && s.sessionScale.length > 0, 'sessionScale');
  for (const [i, c] of (s?.sessionScale ?? []).entries()) {
    expect(isNumber(c?.fill?.requestsPerSec) && c.fill.requests === c.sessions, `sessionScale[${i}].fill`);
    expect(
      isNumber(c?.measured?.requestsPerSec) && c.measured.requestsPerSec > 0,
      `sessionScale[${i}].measured`,
    );
    expect(c?.fill?.failed === 0 && c?.measured?.failed === 0, `sessionScale[${i}] failures are 0`);
    expect(isNumber(c?.hitRate), `sessionScale[${i}].hitRate`);
    if (process.platform === 'linux')
      expect(isNumber(c?.rssKiBPerCachedSession), `sessionScale[${i}].rssKiBPerCachedSession`);
    expect(isNumber(c?.heapKiBPerCachedSession), `sessionScale[${i}].heapKiBPerCachedSession`);
  }
  return problems;
}
