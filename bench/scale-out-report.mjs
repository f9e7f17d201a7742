// @ts-check

/** @param {number | null | undefined} v */
const f = (v) => (v === null || v === undefined ? 'n/a' : String(v));

/**
 * The console section for the issue-16 parts (the figures are in the JSON's `scaleOut`).
 *
 * @param {any} s  what measureScaleOut returned
 * @param {number} cpuCount
 */
export function formatScaleOut(s, cpuCount) {
  const lines = ['', 'Several instances on one PostgreSQL (issue 16):'];
  if (s.skipped) {
    lines.push(`  SKIPPED: ${s.skipped}`);
  } else {
    const r = s.revocation;
    const met = r.client.p99Ms !== null && r.client.p99Ms < r.goalP99Ms ? 'met' : 'NOT MET';
    lines.push(
      `  revocation A -> B (${r.refused}/${r.revocations} refused, ${r.neverRefused} never):` +
        ` client p50 ${f(r.client.p50Ms)} ms, p99 ${f(r.client.p99Ms)} ms, max ${f(r.client.maxMs)} ms` +
        ` (goal p99 < ${r.goalP99Ms} ms: ${met}); refused request sent by p99 ${f(r.client.refusedSentP99Ms)} ms,` +
        ` polls p50 ${f(r.client.pollsP50)}, max ${f(r.client.pollsMax)}`,
      `    refused by the first request after A's answer: ${r.client.refusedAtOnce}/${r.refused};` +
        ` A's logout answered in p50 ${f(r.logout.p50Ms)} ms, p99 ${f(r.logout.p99Ms)} ms (it waits for every instance's confirmation)`,
      `    B's ${'gatehouse_revocation_propagation_seconds'}: ${r.histogram.heard} heard, mean ${f(r.histogram.meanMs)} ms,` +
        ` p50 <= ${f(r.histogram.p50AtMostMs)} ms, p99 <= ${f(r.histogram.p99AtMostMs)} ms (bucket bounds)`,
    );
    const b = s.balancer;
    if (b.skipped) lines.push(`  balancer: SKIPPED: ${b.skipped}`);
    else {
      for (const side of [b.three, b.one]) {
        lines.push(
          `  HAProxy -> ${side.instances} instance(s), me by bearer, ${b.connections} conn: ${f(side.requestsPerSec)} req/s,` +
            ` p50 ${f(side.p50Ms)} ms, p99 ${f(side.p99Ms)} ms, server CPU ${f(side.serverCpuMsPerRequest)} ms/req,` +
            ` failures ${side.failures} (non-2xx ${side.non2xx}, errors ${side.errors})`,
        );
      }
      lines.push(
        `  three / one: ${f(b.ratio)} x` +
          (cpuCount < 4
            ? ` (${cpuCount} CPUs shared by HAProxy, the load generator and the instances: no linear scaling possible here)`
            : ''),
      );
    }
    for (const c of s.sessionScale) {
      lines.push(
        `  ${c.sessions} distinct sessions: fill (${c.fill.requests} reached) ${f(c.fill.requestsPerSec)} req/s (p99 ${f(c.fill.p99Ms)} ms),` +
          ` random ${f(c.measured.requestsPerSec)} req/s (p99 ${f(c.measured.p99Ms)} ms), hit rate ${f(c.hitRate)},` +
          ` RSS ${f(c.rssBeforeMiB)} -> ${f(c.rssAfterFillMiB)} MiB = ${f(c.rssKiBPerCachedSession)} KiB per cached session,` +
          ` live heap ${f(c.heapBeforeMiB)} -> ${f(c.heapAfterFillMiB)} MiB = ${f(c.heapKiBPerCachedSession)} KiB per cached session` +
          ` (${c.cachedAtMost} cached at most), failures ${c.fill.failed + c.measured.failed}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
