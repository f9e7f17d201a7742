// @ts-check
import { median, round, spread } from './stats.mjs';

/** The throughput an authenticated `me` should keep relative to the anonymous one (issue 6). */
export const RATIO_TARGET = 0.9;
/** Issue 17's goals against the bare server (same query, same answer body), and for p99. */
export const BARE_TARGETS = Object.freeze({ anonymous: 0.97, authenticated: 0.95, p99: 1.2 });
/** The JSON layout; bump when a key changes meaning (2: the bare server, spreads, memory, login pressure). */
export const REPORT_VERSION = 2;

/**
 * @typedef {import('./throughput.mjs').MeasuredRun} MeasuredRun
 * @typedef {import('./load.mjs').Scenario} Scenario
 * @typedef {{ round: number, order: string[], results: Map<string, MeasuredRun> }} Round
 */

/**
 * Per scenario: the medians over rounds of requests/s, p50, p99, CPU and memory and of the ratios measured in
 * the same round (to the anonymous Gatehouse `me`, to the bare server answering the same body, to the bare
 * server's anonymous answer), how far single rounds strayed, the per-round figures, and the failures summed
 * over all rounds.
 *
 * @param {Map<string, Scenario>} scenarios
 * @param {Round[]} rounds
 * @param {{ baseline: string, bareBaseline: string }} references
 */
export function summarizeScenarios(scenarios, rounds, references) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const scenario of scenarios.values()) {
    const perRound = rounds.flatMap(({ round: n, results }) => {
      const r = results.get(scenario.id);
      if (!r) return [];
      const versus = (/** @type {string | undefined} */ id) =>
        id === undefined ? undefined : results.get(id);
      const base = versus(references.baseline);
      const ref = versus(scenario.reference);
      const born = versus(scenario.bornReference);
      const bare = versus(references.bareBaseline);
      return [
        {
          round: n,
          ratio: throughputRatio(r, base),
          cpuRatio: cpuRatio(r, base),
          ratioToReference: throughputRatio(r, ref),
          cpuRatioToReference: cpuRatio(r, ref),
          p99RatioToReference: ref ? r.p99Ms / ref.p99Ms : Number.NaN,
          ratioToBorn: throughputRatio(r, born),
          cpuRatioToBorn: cpuRatio(r, born),
          p99RatioToBorn: born ? r.p99Ms / born.p99Ms : Number.NaN,
          ratioToBareAnonymous: throughputRatio(r, bare),
          ...r,
        },
      ];
    });
    const ratios = perRound.map((r) => r.ratio).filter((v) => Number.isFinite(v));
    const sum = (/** @type {(r: MeasuredRun) => number} */ pick) => perRound.reduce((t, r) => t + pick(r), 0);
    const med = (
      /** @type {(r: (typeof perRound)[number]) => number | null} */ pick,
      /** @type {number} */ digits,
    ) => round(median(perRound.map((r) => pick(r) ?? Number.NaN)), digits);
    const spreadOf = (
      /** @type {(r: (typeof perRound)[number]) => number | null} */ pick,
      /** @type {number} */ digits,
    ) =>
      spread(
        perRound.map((r) => pick(r)),
        digits,
      );
    out[scenario.id] = {
      label: scenario.label,
      description: scenario.description,
      server: scenario.server,
      reference: scenario.reference ?? null,
      bornReference: scenario.bornReference ?? null,
      connections: scenario.connections,
      median: {
        requestsPerSec: med((r) => r.requestsPerSec, 1),
        p50Ms: med((r) => r.p50Ms, 3),
        p99Ms: med((r) => r.p99Ms, 3),
        ratioToBaseline: med((r) => r.ratio, 3),
        ratioToReference: med((r) => r.ratioToReference, 3),
        p99RatioToReference: med((r) => r.p99RatioToReference, 3),
        ratioToBareAnonymous: med((r) => r.ratioToBareAnonymous, 3),
        ratioToBorn: med((r) => r.ratioToBorn, 3),
        cpuRatioToBorn: med((r) => r.cpuRatioToBorn, 3),
        p99RatioToBorn: med((r) => r.p99RatioToBorn, 3),
        serverCpuMsPerRequest: med((r) => r.serverCpuMsPerRequest, 4),
        cpuRatioToBaseline: med((r) => r.cpuRatio, 3),
        cpuRatioToReference: med((r) => r.cpuRatioToReference, 3),
        clientCpuMsPerRequest: med((r) => r.clientCpuMsPerRequest, 4),
        rssMiB: med((r) => r.memory.rssMiB, 1),
        peakRssMiB: med((r) => r.memory.peakRssMiB, 1),
        heapUsedMiB: med((r) => r.memory.heapUsedMiB, 1),
        heapTotalMiB: med((r) => r.memory.heapTotalMiB, 1),
        gcCount: med((r) => r.memory.gcCount, 0),
        gcMsPerRequest: med((r) => r.memory.gcMsPerRequest, 5),
        eventLoopBusy: med((r) => r.eventLoopBusy, 3),
      },
      spread: {
        requestsPerSec: spreadOf((r) => r.requestsPerSec, 1),
        p99Ms: spreadOf((r) => r.p99Ms, 3),
        ratioToReference: spreadOf((r) => r.ratioToReference, 3),
        cpuRatioToReference: spreadOf((r) => r.cpuRatioToReference, 3),
        serverCpuMsPerRequest: spreadOf((r) => r.serverCpuMsPerRequest, 4),
        rssMiB: spreadOf((r) => r.memory.rssMiB, 1),
        heapUsedMiB: spreadOf((r) => r.memory.heapUsedMiB, 1),
      },
      ratioRange: ratios.length > 0 ? [round(Math.min(...ratios), 3), round(Math.max(...ratios), 3)] : null,
      requests: sum((r) => r.requests),
      failures: {
        total: sum((r) => r.failed),
        non2xx: sum((r) => r.non2xx),
        badBody: sum((r) => r.badBody),
        connectionErrors: sum((r) => r.errors),
        timeouts: sum((r) => r.timeouts),
      },
      rounds: perRound.map((r) => ({
        round: r.round,
        requestsPerSec: round(r.requestsPerSec, 1),
        p50Ms: round(r.p50Ms, 3),
        p99Ms: round(r.p99Ms, 3),
        ratioToBaseline: round(r.ratio, 3),
        ratioToReference: round(r.ratioToReference, 3),
        p99RatioToReference: round(r.p99RatioToReference, 3),
        ratioToBareAnonymous: round(r.ratioToBareAnonymous, 3),
        ratioToBorn: round(r.ratioToBorn, 3),
        cpuRatioToBorn: round(r.cpuRatioToBorn, 3),
        serverCpuMsPerRequest: r.serverCpuMsPerRequest === null ? null : round(r.serverCpuMsPerRequest, 4),
        cpuRatioToBaseline: round(r.cpuRatio, 3),
        cpuRatioToReference: round(r.cpuRatioToReference, 3),
        clientCpuMsPerRequest: round(r.clientCpuMsPerRequest, 4),
        memory: {
          rssMiB: roundOrNull(r.memory.rssMiB, 1),
          peakRssMiB: roundOrNull(r.memory.peakRssMiB, 1),
          heapUsedMiB: roundOrNull(r.memory.heapUsedMiB, 1),
          heapTotalMiB: roundOrNull(r.memory.heapTotalMiB, 1),
          gcCount: r.memory.gcCount,
          majorGcCount: r.memory.majorGcCount,
          gcMs: roundOrNull(r.memory.gcMs, 1),
          gcMsPerRequest: roundOrNull(r.memory.gcMsPerRequest, 5),
        },
        eventLoopBusy: roundOrNull(r.eventLoopBusy, 3),
        requests: r.requests,
        failed: r.failed,
        durationSec: r.durationSec,
      })),
    };
  }
  return out;
}

/**
 * @param {MeasuredRun} r
 * @param {MeasuredRun | undefined} versus
 */
function throughputRatio(r, versus) {
  return versus ? r.requestsPerSec / versus.requestsPerSec : Number.NaN;
}

/**
 * The other run's CPU per request divided by this one's: the throughput ratio a CPU-bound server would show.
 *
 * @param {MeasuredRun} r
 * @param {MeasuredRun | undefined} versus
 */
function cpuRatio(r, versus) {
  return versus?.serverCpuMsPerRequest && r.serverCpuMsPerRequest
    ? versus.serverCpuMsPerRequest / r.serverCpuMsPerRequest
    : Number.NaN;
}

/**
 * @param {number | null} value
 * @param {number} digits
 */
function roundOrNull(value, digits) {
  return value === null ? null : round(value, digits);
}

/**
 * The issues' targets, reported (never asserted: speed on a shared machine is not a pass/fail).
 *
 * @param {Record<string, any>} scenarios
 * @param {{ bearer: { perRequest: number }, cookie: { perRequest: number } }} queries
 * @param {number} extraFailures  failures outside the load runs (refresh sessions lost between rounds, probes)
 * @param {{ queries: number, maxExpected: number }} cacheTtl  session re-reads under a short cache TTL
 */
export function evaluateTargets(scenarios, queries, extraFailures, cacheTtl) {
  const ratio = (/** @type {string} */ id) => scenarios[id]?.median.ratioToBaseline ?? null;
  const toBare = (/** @type {string} */ id) => scenarios[id]?.median.ratioToReference ?? null;
  const p99ToBare = [scenarios['me-bearer'], scenarios['me-cookie']]
    .map((s) => s?.median.p99RatioToReference ?? null)
    .filter((v) => v !== null);
  const failures =
    Object.values(scenarios).reduce((t, s) => t + /** @type {number} */ (s.failures.total), 0) +
    extraFailures;
  const queriesPerRequest = Math.max(queries.bearer.perRequest, queries.cookie.perRequest);
  const { anonymous, authenticated, p99 } = BARE_TARGETS;
  return {
    anonymousToBareRatio: target(toBare('me-anonymous'), `>= ${anonymous}`, (v) => v >= anonymous),
    bearerToBareRatio: target(toBare('me-bearer'), `>= ${authenticated}`, (v) => v >= authenticated),
    cookieToBareRatio: target(toBare('me-cookie'), `>= ${authenticated}`, (v) => v >= authenticated),
    authenticatedP99ToBare: target(
      p99ToBare.length === 2 ? Math.max(...p99ToBare) : null,
      `<= ${p99}`,
      (v) => v <= p99,
    ),
    bearerToAnonymousRatio: target(ratio('me-bearer'), `>= ${RATIO_TARGET}`, (v) => v >= RATIO_TARGET),
    cookieToAnonymousRatio: target(ratio('me-cookie'), `>= ${RATIO_TARGET}`, (v) => v >= RATIO_TARGET),
    queriesPerAuthenticatedRequest: target(queriesPerRequest, '0', (v) => v === 0),
    // At most one read per session per TTL (+1 for a window that does not start on an expiry).
    sessionReadsUnderCacheTtl: target(
      cacheTtl.queries,
      `<= ${cacheTtl.maxExpected}`,
      (v) => v <= cacheTtl.maxExpected,
    ),
    failures: target(failures, '0', (v) => v === 0),
  };
}

/**
 * @param {number | null} value
 * @param {string} goal
 * @param {(value: number) => boolean} met
 */
function target(value, goal, met) {
  return { value, target: goal, met: value !== null && met(value) };
}
