// @ts-check
import { median, round } from './stats.mjs';

/** The throughput an authenticated `me` should keep relative to the anonymous one (issue 6). */
export const RATIO_TARGET = 0.9;
/** The JSON layout; bump when a key changes meaning. */
export const REPORT_VERSION = 1;

/**
 * @typedef {import('./load.mjs').RunResult} RunResult
 * @typedef {import('./load.mjs').Scenario} Scenario
 * @typedef {{ round: number, order: string[], results: Map<string, RunResult> }} Round
 */

/**
 * Per scenario: the medians over rounds of requests/s, p50, p99 and of the ratio to the baseline measured in
 * the same round, the per-round figures, and the failures summed over all rounds.
 *
 * @param {Map<string, Scenario>} scenarios
 * @param {Round[]} rounds
 * @param {string} baseline
 */
export function summarizeScenarios(scenarios, rounds, baseline) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const scenario of scenarios.values()) {
    const perRound = rounds.flatMap(({ round: n, results }) => {
      const r = results.get(scenario.id);
      const base = results.get(baseline);
      if (!r) return [];
      const ratio = base ? r.requestsPerSec / base.requestsPerSec : Number.NaN;
      const cpuRatio =
        base?.serverCpuMsPerRequest && r.serverCpuMsPerRequest
          ? base.serverCpuMsPerRequest / r.serverCpuMsPerRequest
          : Number.NaN;
      return [{ round: n, ratio, cpuRatio, ...r }];
    });
    const ratios = perRound.map((r) => r.ratio).filter((v) => Number.isFinite(v));
    const sum = (/** @type {(r: RunResult) => number} */ pick) => perRound.reduce((t, r) => t + pick(r), 0);
    out[scenario.id] = {
      label: scenario.label,
      description: scenario.description,
      connections: scenario.connections,
      median: {
        requestsPerSec: round(median(perRound.map((r) => r.requestsPerSec)), 1),
        p50Ms: round(median(perRound.map((r) => r.p50Ms)), 3),
        p99Ms: round(median(perRound.map((r) => r.p99Ms)), 3),
        ratioToBaseline: round(median(perRound.map((r) => r.ratio)), 3),
        serverCpuMsPerRequest: round(median(perRound.map((r) => r.serverCpuMsPerRequest ?? Number.NaN)), 4),
        cpuRatioToBaseline: round(median(perRound.map((r) => r.cpuRatio)), 3),
        clientCpuMsPerRequest: round(median(perRound.map((r) => r.clientCpuMsPerRequest)), 4),
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
        serverCpuMsPerRequest: r.serverCpuMsPerRequest === null ? null : round(r.serverCpuMsPerRequest, 4),
        cpuRatioToBaseline: round(r.cpuRatio, 3),
        clientCpuMsPerRequest: round(r.clientCpuMsPerRequest, 4),
        requests: r.requests,
        failed: r.failed,
        durationSec: r.durationSec,
      })),
    };
  }
  return out;
}

/**
 * The targets, reported (never asserted: speed on a shared machine is not a pass/fail).
 *
 * @param {Record<string, any>} scenarios
 * @param {{ bearer: { perRequest: number }, cookie: { perRequest: number } }} queries
 * @param {number} extraFailures  failures outside the load runs (e.g. refresh sessions lost between rounds)
 * @param {{ queries: number, maxExpected: number }} cacheTtl  session re-reads under a short cache TTL
 */
export function evaluateTargets(scenarios, queries, extraFailures, cacheTtl) {
  const ratio = (/** @type {string} */ id) => scenarios[id]?.median.ratioToBaseline ?? null;
  const failures =
    Object.values(scenarios).reduce((t, s) => t + /** @type {number} */ (s.failures.total), 0) +
    extraFailures;
  const queriesPerRequest = Math.max(queries.bearer.perRequest, queries.cookie.perRequest);
  return {
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

/**
 * The human-readable report: the same figures as the JSON.
 *
 * @param {any} report
 */
export function formatReport(report) {
  const {
    settings,
    machine,
    database,
    scenarios,
    queriesPerRequest: q,
    cacheTtlReads: ttl,
    tokenVerify: tv,
    targets,
  } = report;
  const lines = [];
  lines.push(
    '',
    `Gatehouse benchmark: ${settings.rounds} round(s) x ${settings.durationSec} s per scenario, ` +
      `${settings.connections} connections (login ${settings.loginConnections}), database ${database.kind}`,
    `${machine.cpuCount} CPU(s) ${machine.cpuModel}, Node ${machine.node}, ` +
      `load average ${machine.loadAverageStart.join(' ')} -> ${machine.loadAverageEnd.join(' ')}`,
    '',
  );
  const header = [
    'scenario',
    'conn',
    'req/s',
    'p50 ms',
    'p99 ms',
    'x anon',
    '(range)',
    'CPU us/req',
    'x anon CPU',
    'failures',
  ];
  const rows = Object.values(scenarios).map((s) => [
    s.label,
    String(s.connections),
    fixed(s.median.requestsPerSec, s.median.requestsPerSec >= 100 ? 0 : 1),
    fixed(s.median.p50Ms, 2),
    fixed(s.median.p99Ms, 2),
    ratioText(s.median.ratioToBaseline),
    s.ratioRange ? `(${ratioText(s.ratioRange[0])}-${ratioText(s.ratioRange[1])})` : '',
    s.median.serverCpuMsPerRequest === null ? 'n/a' : fixed(s.median.serverCpuMsPerRequest * 1000, 0),
    ratioText(s.median.cpuRatioToBaseline),
    String(s.failures.total),
  ]);
  lines.push(
    ...table(header, rows),
    'Medians over rounds. "x anon": req/s divided by anonymous me req/s in the same round (range: lowest and',
    'highest round). "CPU us/req": server CPU time (all threads) per answered request; "x anon CPU": anonymous',
    'me CPU/req divided by this one, the throughput ratio a CPU-bound server would show without neighbours.',
  );
  lines.push(
    '',
    `SQL queries per request, steady state (LOG_LEVEL=debug child, ${q.windowSec.toFixed(1)} s after login, ` +
      `session touch interval ${q.touchIntervalSec} s):`,
    `  me, bearer        ${perRequest(q.bearer)}`,
    `  me, cookie        ${perRequest(q.cookie)}`,
    `  mySessions        ${perRequest(q.mySessions)}   (one read by design: proves the counter sees queries)`,
  );
  for (const [name, c] of [
    ['bearer', q.bearer],
    ['cookie', q.cookie],
  ]) {
    if (c.statements.length > 0) lines.push(`  ${name} statements: ${c.statements.join(' | ')}`);
  }
  lines.push(
    '',
    `Session cache TTL under load (SESSION_CACHE_TTL=${ttl.ttlSec}s, ${ttl.sessions} sessions x ` +
      `${ttl.clientsPerSession} concurrent clients, ${ttl.windowSec.toFixed(1)} s):`,
    `  me                ${perRequest(ttl)}`,
    `  reads per session per TTL  ${fixed(ttl.readsPerSessionPerTtl, 2)}   (at most 1: one re-read per expiry, ` +
      `shared by the concurrent requests)`,
  );
  if (ttl.statements.length > 0) lines.push(`  statements: ${ttl.statements.join(' | ')}`);
  lines.push(
    '',
    `Access-token verify, in-process (${tv.algorithm}, tinybench): cold ${tv.cold.meanUs} us ` +
      `(p99 ${tv.cold.p99Us} us, ${tv.cold.opsPerSec} ops/s), cached ${tv.cached.meanUs} us ` +
      `(p99 ${tv.cached.p99Us} us, ${tv.cached.opsPerSec} ops/s): ${tv.speedup}x`,
    '',
    'Targets (reported, not asserted):',
    ...Object.entries(targets).map(
      ([name, t]) => `  ${t.met ? 'met    ' : 'NOT MET'} ${name}: ${t.value} (target ${t.target})`,
    ),
    '',
  );
  return lines.join('\n');
}

/** @param {number | null} ratio */
function ratioText(ratio) {
  return fixed(ratio, ratio !== null && ratio < 0.1 ? 3 : 2);
}

/** @param {{ requests: number, queries: number, perRequest: number }} c */
function perRequest(c) {
  return `${fixed(c.perRequest, 2)} (${c.queries} queries / ${c.requests} requests)`;
}

/**
 * @param {number | null} value
 * @param {number} digits
 */
function fixed(value, digits) {
  return value === null || value === undefined ? 'n/a' : value.toFixed(digits);
}

/**
 * Left-aligned first column, the rest right-aligned.
 *
 * @param {string[]} header
 * @param {string[][]} rows
 */
function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (/** @type {string[]} */ cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}
