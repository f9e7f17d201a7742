// @ts-check

const MIB = 2 ** 20;

/**
 * A server child's memory at the end of one run and its garbage collection during it (issue 17: "RSS swings
 * between 188 and 256 MB from one round to the next"; allocation and GC churn per request). Any figure the child
 * could not give is null.
 *
 * @typedef {object} RunMemory
 * @property {number | null} rssMiB  resident set right after the run (/proc VmRSS)
 * @property {number | null} peakRssMiB  the highest resident set during the run (/proc VmHWM, reset before the run)
 * @property {number | null} heapUsedMiB  V8 heap in use right after the run
 * @property {number | null} heapTotalMiB  V8 heap reserved right after the run
 * @property {number | null} gcCount  collections during the run
 * @property {number | null} majorGcCount  of which mark-sweep-compact (old generation)
 * @property {number | null} gcMs  time spent in collections during the run (main-thread pauses)
 * @property {number | null} gcMsPerRequest
 */

/**
 * @param {object} figures
 * @param {import('./server.mjs').ProbeSample | undefined} figures.before  probe sample taken just before the run
 * @param {import('./server.mjs').ProbeSample | undefined} figures.after  just after it
 * @param {{ rssMiB: number, peakRssMiB: number } | undefined} figures.rss  /proc, just after it
 * @param {boolean} figures.peakReset  whether the peak was reset before the run (else it is the process's peak)
 * @param {number} figures.requests  answered during the run
 * @returns {RunMemory}
 */
export function runMemory({ before, after, rss, peakReset, requests }) {
  const gc = before && after ? after.gc : undefined;
  const gcMs = gc && before ? gc.ms - before.gc.ms : null;
  return {
    rssMiB: rss ? rss.rssMiB : null,
    peakRssMiB: rss && peakReset ? rss.peakRssMiB : null,
    heapUsedMiB: after ? after.memory.heapUsed / MIB : null,
    heapTotalMiB: after ? after.memory.heapTotal / MIB : null,
    gcCount: gc && before ? gc.count - before.gc.count : null,
    majorGcCount: gc && before ? gc.majorCount - before.gc.majorCount : null,
    gcMs,
    gcMsPerRequest: gcMs === null ? null : gcMs / Math.max(1, requests),
  };
}

/**
 * The share of a run's wall time the child's event loop was busy (Node's event loop utilisation, 0 to 1): near 1,
 * its one JavaScript thread is the bottleneck and every request queues behind the others; null when unknown.
 *
 * @param {import('./server.mjs').ProbeSample | undefined} before
 * @param {import('./server.mjs').ProbeSample | undefined} after
 */
export function eventLoopBusy(before, after) {
  if (!before || !after) return null;
  const active = after.loop.activeMs - before.loop.activeMs;
  const total = active + after.loop.idleMs - before.loop.idleMs;
  return total > 0 ? active / total : null;
}
