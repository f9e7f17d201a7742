// @ts-check

/**
 * The human-readable report: the same figures as the JSON, in four tables (Gatehouse against the bare server;
 * every Gatehouse scenario against anonymous `me`; memory and GC; login pressure) and the in-process figures.
 *
 * @param {any} report
 */
export function formatReport(report) {
  const { settings, machine, database, scenarios, targets } = report;
  /** @type {any[]} */
  const all = Object.values(scenarios);
  const byId = (/** @type {string | null} */ id) => (id === null ? undefined : scenarios[id]);
  const lines = [];
  lines.push(
    '',
    `Gatehouse benchmark: ${settings.rounds} round(s) x ${settings.durationSec} s per scenario, warm-up ` +
      `${settings.warmupSec} s per server and credential, ${settings.connections} connections ` +
      `(login ${settings.loginConnections}), database ${database.kind}, commit ${report.commit ?? 'unknown'}` +
      (report.uncommittedChanges ? ' + uncommitted changes' : ''),
    `${machine.cpuCount} CPU(s) ${machine.cpuModel}, Node ${machine.node}, ` +
      `load average ${machine.loadAverageStart.join(' ')} -> ${machine.loadAverageEnd.join(' ')}`,
    '',
    'Gatehouse against a bare Apollo 5 + Express 5 server (same request, same answer body, no Gatehouse code):',
    '',
  );
  const compared = all.filter((s) => s.reference !== null && !s.server.startsWith('metrics'));
  lines.push(
    ...table(
      [
        'scenario',
        'vs bare',
        'req/s',
        '(min-max)',
        'p50 ms',
        'p99 ms',
        'x bare',
        '(min-max)',
        'p99 x bare',
        'CPU us/req',
        '(min-max)',
        'x bare CPU',
        'x bare anon',
        'failures',
      ],
      compared.map((s) => [
        s.label,
        String(byId(s.reference)?.label ?? s.reference).replace(/^bare, /, ''),
        rate(s.median.requestsPerSec),
        range(s.spread.requestsPerSec, rate),
        fixed(s.median.p50Ms, 2),
        fixed(s.median.p99Ms, 2),
        ratioText(s.median.ratioToReference),
        range(s.spread.ratioToReference, ratioText),
        fixed(s.median.p99RatioToReference, 2),
        micros(s.median.serverCpuMsPerRequest),
        range(s.spread.serverCpuMsPerRequest, micros),
        ratioText(s.median.cpuRatioToReference),
        ratioText(s.median.ratioToBareAnonymous),
        String(s.failures.total),
      ]),
    ),
    'Medians over rounds, (lowest-highest round). "x bare": req/s divided by that of the bare scenario in "vs bare"',
    '(the same answer body) in the same round; "p99 x bare" likewise for p99; "x bare CPU": the bare scenario\'s',
    'server CPU per request divided by this one\'s; "x bare anon": req/s divided by the bare server\'s anonymous',
    'req/s. The bare server answers the reader to any request with an Authorization header, never verified.',
    '',
    "Gatehouse against the same bare server on Gatehouse's HTTP construction (born prototypes, no other Gatehouse code):",
    '',
    ...table(
      ['scenario', 'vs', 'x bare', 'p99 x bare', 'x bare CPU'],
      all
        .filter((s) => s.bornReference !== null)
        .map((s) => [
          s.label,
          String(byId(s.bornReference)?.label ?? s.bornReference),
          ratioText(s.median.ratioToBorn),
          fixed(s.median.p99RatioToBorn, 2),
          ratioText(s.median.cpuRatioToBorn),
        ]),
    ),
    "What Gatehouse's own work costs once both servers keep Express's requests on shared hidden classes.",
    '',
    ...metricsCostLines(report.metricsCost),
    'Every Gatehouse scenario against anonymous me:',
    '',
  );
  const gatehouse = all.filter((s) => s.server === 'gatehouse');
  lines.push(
    ...table(
      [
        'scenario',
        'conn',
        'req/s',
        '(min-max)',
        'p50 ms',
        'p99 ms',
        'x anon',
        '(range)',
        'CPU us/req',
        'x anon CPU',
        'failures',
      ],
      gatehouse.map((s) => [
        s.label,
        String(s.connections),
        rate(s.median.requestsPerSec),
        range(s.spread.requestsPerSec, rate),
        fixed(s.median.p50Ms, 2),
        fixed(s.median.p99Ms, 2),
        ratioText(s.median.ratioToBaseline),
        s.ratioRange ? `(${ratioText(s.ratioRange[0])}-${ratioText(s.ratioRange[1])})` : '',
        micros(s.median.serverCpuMsPerRequest),
        ratioText(s.median.cpuRatioToBaseline),
        String(s.failures.total),
      ]),
    ),
    '"x anon": req/s divided by anonymous me req/s in the same round; "x anon CPU": anonymous me CPU/req divided',
    'by this one, the throughput ratio a CPU-bound server would show without neighbours.',
    '',
    'Inside the answering server child: memory at the end of each run, GC and event loop during it (medians):',
    '',
  );
  lines.push(
    ...table(
      [
        'scenario',
        'RSS MiB',
        '(min-max)',
        'peak RSS',
        'heap MiB',
        '(min-max)',
        'GCs/run',
        'GC us/req',
        'GC % CPU',
        'loop busy',
      ],
      all.map((s) => [
        s.label,
        fixed(s.median.rssMiB, 0),
        range(s.spread.rssMiB, (v) => fixed(v, 0)),
        fixed(s.median.peakRssMiB, 0),
        fixed(s.median.heapUsedMiB, 1),
        range(s.spread.heapUsedMiB, (v) => fixed(v, 1)),
        fixed(s.median.gcCount, 0),
        fixed(s.median.gcMsPerRequest === null ? null : s.median.gcMsPerRequest * 1000, 1),
        s.median.gcMsPerRequest === null || !s.median.serverCpuMsPerRequest
          ? 'n/a'
          : fixed((100 * s.median.gcMsPerRequest) / s.median.serverCpuMsPerRequest, 1),
        percent(s.median.eventLoopBusy),
      ]),
    ),
    '"peak RSS": highest resident set during the run (/proc VmHWM, reset before each run); "heap": V8 heap in use;',
    '"GC us/req": main-thread time in garbage collection per answered request; "GC % CPU": that share of CPU/req;',
    '"loop busy": share of the run the event loop was busy (near 100 %: the one JavaScript thread is the limit).',
  );

  const warm = Object.entries(report.warmup ?? {});
  if (warm.length > 0) {
    lines.push('', 'Warm-up, req/s by slice (did it level off before the rounds?):');
    for (const [id, slices] of warm) {
      lines.push(
        `  ${(scenarios[id]?.label ?? id).padEnd(20)} ${slices.map((/** @type {any} */ w) => rate(w.requestsPerSec)).join(' -> ')}`,
      );
    }
  }

  const { argon2, loginPressure: lp } = report;
  const login = scenarios.login;
  const refresh = scenarios.refresh;
  lines.push(
    '',
    `Login and refresh (${argon2.parameters}):`,
    `  argon2 verify, in-process, one at a time: CPU ${fixed(argon2.cpuMsPerVerify, 2)} ms (wall ` +
      `${fixed(argon2.verifyMs.mean, 2)} ms, p99 ${fixed(argon2.verifyMs.p99, 2)} ms) -> bound ` +
      `${fixed(argon2.boundPerCore, 1)} logins/s per core, ${fixed(argon2.boundAllCores, 1)} on ${argon2.cores} ` +
      `cores; ${argon2.parallel.concurrency} at once: ${fixed(argon2.parallel.perSec, 1)} verifies/s; ` +
      `with the default cap of ${argon2.defaultCap} at once (PASSWORD_HASH_CONCURRENCY): ` +
      `${fixed(argon2.boundCapped, 1)} logins/s`,
    `  logins/s    ${rate(login?.median.requestsPerSec)} with ${login?.connections} connections ` +
      `(${fixed(login?.median.requestsPerSec / argon2.boundAllCores, 2)} of the ${argon2.cores}-core bound), ` +
      `server CPU ${fixed(login?.median.serverCpuMsPerRequest, 2)} ms per login (argon2 about ` +
      `${fixed(argon2.cpuMsPerVerify, 1)} of it)`,
    `  refreshes/s ${rate(refresh?.median.requestsPerSec)} with ${refresh?.connections} connections, ` +
      `server CPU ${fixed(refresh?.median.serverCpuMsPerRequest, 2)} ms per refresh`,
    `  me (bearer) at a steady ${lp.ratePerSec} req/s, alone -> while ${lp.parallelLogins} logins run in parallel ` +
      `(${rate(lp.median.loginsPerSec)} logins/s meanwhile):`,
    `    p50 ${fixed(lp.median.aloneP50Ms, 2)} -> ${fixed(lp.median.underLoginsP50Ms, 2)} ms, ` +
      `p99 ${fixed(lp.median.aloneP99Ms, 2)} -> ${fixed(lp.median.underLoginsP99Ms, 2)} ms ` +
      `(${fixed(lp.median.p99Ratio, 2)}x), max with logins ${fixed(lp.median.underLoginsMaxMs, 1)} ms; ` +
      `event loop busy ${percent(lp.median.aloneEventLoopBusy)} -> ${percent(lp.median.underLoginsEventLoopBusy)}`,
    `    its thread on a CPU ${percent(lp.median.aloneMainThreadOnCpu)} -> ` +
      `${percent(lp.median.underLoginsMainThreadOnCpu)} of the time, waiting for one ` +
      `${percent(lp.median.aloneMainThreadWaiting)} -> ${percent(lp.median.underLoginsMainThreadWaiting)}; ` +
      `${lp.failures} failures, ${lp.skipped} not sent (backlog)`,
  );
  const un = report.loginPressureUncapped;
  if (un) {
    lines.push(
      `  the same without the cap (PASSWORD_HASH_CONCURRENCY=0, a second child, same rounds): ` +
        `${rate(un.median.loginsPerSec)} logins/s,`,
      `    p50 ${fixed(un.median.aloneP50Ms, 2)} -> ${fixed(un.median.underLoginsP50Ms, 2)} ms, ` +
        `p99 ${fixed(un.median.aloneP99Ms, 2)} -> ${fixed(un.median.underLoginsP99Ms, 2)} ms ` +
        `(${fixed(un.median.p99Ratio, 2)}x), max with logins ${fixed(un.median.underLoginsMaxMs, 1)} ms; ` +
        `waiting for a CPU ${percent(un.median.aloneMainThreadWaiting)} -> ` +
        `${percent(un.median.underLoginsMainThreadWaiting)}; ${un.failures} failures`,
      `  p99 of me while ${lp.parallelLogins} logins run: ${fixed(lp.median.underLoginsP99Ms, 2)} ms capped (default ` +
        `${argon2.defaultCap} at once) against ${fixed(un.median.underLoginsP99Ms, 2)} ms uncapped`,
    );
  }

  const q = report.queriesPerRequest;
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
  const ttl = report.cacheTtlReads;
  lines.push(
    '',
    `Session cache TTL under load (SESSION_CACHE_TTL=${ttl.ttlSec}s, ${ttl.sessions} sessions x ` +
      `${ttl.clientsPerSession} concurrent clients, ${ttl.windowSec.toFixed(1)} s):`,
    `  me                ${perRequest(ttl)}`,
    `  reads per session per TTL  ${fixed(ttl.readsPerSessionPerTtl, 2)}   (at most 1: one re-read per expiry, ` +
      `shared by the concurrent requests)`,
  );
  if (ttl.statements.length > 0) lines.push(`  statements: ${ttl.statements.join(' | ')}`);
  const tv = report.tokenVerify;
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

/**
 * Issue 16's "without measurable cost": `me` by bearer with METRICS_TOKEN set against the same without it.
 *
 * @param {any} cost  summarizeMetricsCost's figures, or null
 */
function metricsCostLines(cost) {
  if (!cost) return [];
  return [
    'Metrics on the hot path (me by bearer, twin children with METRICS_TOKEN set and unset, same rounds; unset counts nothing):',
    `  req/s ${rate(cost.requestsPerSec.on)} on / ${rate(cost.requestsPerSec.off)} off = ${ratioText(cost.ratio)} x ` +
      `${range(cost.ratioRange, ratioText)}; server CPU ${fixed(cost.serverCpuUsPerRequest.on, 0)} / ` +
      `${fixed(cost.serverCpuUsPerRequest.off, 0)} us/req (off/on ${ratioText(cost.cpuRatio)} x ` +
      `${range(cost.cpuRatioRange ?? { min: null, max: null }, ratioText)}); ` +
      `p99 ${fixed(cost.p99Ms.on, 2)} / ${fixed(cost.p99Ms.off, 2)} ms`,
    ...(cost.inProcess
      ? [
          `  in-process, the instrumentation's own work per request (${cost.inProcess.iterations} alternated): ` +
            `${fixed(cost.inProcess.onUsPerRequest, 2)} us on, ${fixed(cost.inProcess.offUsPerRequest, 2)} us off: ` +
            `${fixed(cost.inProcess.addedUsPerRequest, 2)} us added per request`,
        ]
      : []),
    '',
  ];
}

/** @param {number | null | undefined} ratio */
function ratioText(ratio) {
  return fixed(ratio, ratio !== null && ratio !== undefined && ratio < 0.1 ? 3 : 2);
}

/** @param {number | null | undefined} value  requests per second */
function rate(value) {
  return fixed(value, value !== null && value !== undefined && value >= 100 ? 0 : 1);
}

/** @param {number | null | undefined} share  0 to 1 */
function percent(share) {
  return share === null || share === undefined ? 'n/a' : `${(share * 100).toFixed(0)} %`;
}

/** @param {number | null | undefined} ms */
function micros(ms) {
  return ms === null || ms === undefined ? 'n/a' : (ms * 1000).toFixed(0);
}

/**
 * @param {{ min: number | null, max: number | null }} s
 * @param {(value: number | null) => string} format
 */
function range(s, format) {
  return s.min === null ? '' : `(${format(s.min)}-${format(s.max)})`;
}

/** @param {{ requests: number, queries: number, perRequest: number }} c */
function perRequest(c) {
  return `${fixed(c.perRequest, 2)} (${c.queries} queries / ${c.requests} requests)`;
}

/**
 * @param {number | null | undefined} value
 * @param {number} digits
 */
function fixed(value, digits) {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
}

/**
 * Left-aligned first two columns when the second holds words, the rest right-aligned.
 *
 * @param {string[]} header
 * @param {string[][]} rows
 */
function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const left = (/** @type {number} */ i) => i === 0 || header[i] === 'vs bare';
  const line = (/** @type {string[]} */ cells) =>
    cells
      .map((c, i) => (left(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}
