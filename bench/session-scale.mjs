// @ts-check
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { URL } from 'node:url';
import pg from 'pg';
import { BASE_HEADERS, ME, newCredentials, registerBearer } from './client.mjs';
import { sampleValue, scrapeMetrics } from './metrics-text.mjs';
import { percentile, round } from './stats.mjs';

const CACHE_REQUESTS = 'gatehouse_session_cache_requests_total';
/** The server's per-instance session cache holds this many sessions (src/sessions/session-cache.ts). */
export const SESSION_CACHE_MAX = 50_000;
/** The first pass stops after this long however many sessions it reached (a slow machine, 100 000 misses). */
const FILL_CAP_SEC = 240;

/**
 * Many distinct sessions against one instance (issue 16): `count` bearer sessions of one user are inserted with
 * SQL (100 000 argon2 logins would take an hour), their access tokens signed here with the run's JWT_KEYS and the
 * claims Gatehouse checks. A first pass sends `me` once per session (every one a cache miss: the fill); the
 * measured pass then picks sessions at random for `durationSec`. Reported: requests/s of both passes, the cache
 * hit rate of the measured pass (from /metrics), and the resident set's and the live heap's growth over the fill per
 * cached session.
 *
 * @param {object} options
 * @param {import('./server.mjs').RunningServer} options.server  a fresh child (SESSION_CACHE_TTL=300, METRICS_TOKEN)
 * @param {string} options.databaseUrl  the child's own database
 * @param {{ JWT_KEYS: string }} options.secrets
 * @param {{ issuer: string, audience: string, ttlSec: number }} options.claims
 * @param {string} options.metricsToken
 * @param {number} options.count
 * @param {number} options.connections
 * @param {number} options.durationSec
 * @param {(message: string) => void} options.progress
 */
export async function measureSessionScale(options) {
  const { server, count, progress } = options;
  const user = await registerBearer(server.url, newCredentials('scale'));
  progress(`session scale: inserting ${count} sessions with SQL and signing their access tokens`);
  const sessionIds = await insertSessions(options.databaseUrl, user.userId, count);
  const tokens = await signTokens(options.secrets, options.claims, user.userId, sessionIds);

  // Warm the hot path on the registering session, so the fill's RSS growth is the sessions', not the JIT's.
  await drive(server.url, [user.accessToken], { connections: options.connections, durationSec: 1 });
  const rssBefore = server.rss()?.rssMiB;
  const heapBefore = (await server.sample({ collect: true }))?.memory.heapUsed;
  progress(`session scale: first pass over ${count} sessions`);
  const fill = await drive(server.url, tokens, {
    connections: options.connections,
    amount: count,
    capSec: FILL_CAP_SEC,
  });
  const rssAfter = server.rss()?.rssMiB;
  const heapAfter = (await server.sample({ collect: true }))?.memory.heapUsed;
  const metricsBefore = await scrapeMetrics(server.url, options.metricsToken);
  progress(`session scale: ${options.durationSec} s of me over random sessions`);
  const measured = await drive(server.url, tokens, {
    connections: options.connections,
    durationSec: options.durationSec,
    random: true,
  });
  const metricsAfter = await scrapeMetrics(server.url, options.metricsToken);
  const delta = (/** @type {string} */ result) =>
    sampleValue(metricsAfter, CACHE_REQUESTS, { result }) -
    sampleValue(metricsBefore, CACHE_REQUESTS, { result });
  const hits = delta('hit');
  const misses = delta('miss');
  // A fill cut short by the cap leaves fewer sessions cached (and the random pass partly missing).
  const cached = Math.min(fill.requests, SESSION_CACHE_MAX);
  return {
    sessions: count,
    cachedAtMost: cached,
    fill,
    measured,
    hitRate: hits + misses > 0 ? round(hits / (hits + misses), 3) : null,
    rssBeforeMiB: rssBefore === undefined ? null : round(rssBefore, 1),
    rssAfterFillMiB: rssAfter === undefined ? null : round(rssAfter, 1),
    // The V8 heap after a full collection, before and after the fill: what the cache entries (and the verified
    // tokens, at most 10 000) keep alive, without the garbage and allocator slack that the RSS figure includes.
    heapBeforeMiB: heapBefore === undefined ? null : round(heapBefore / 2 ** 20, 1),
    heapAfterFillMiB: heapAfter === undefined ? null : round(heapAfter / 2 ** 20, 1),
    heapKiBPerCachedSession:
      heapBefore === undefined || heapAfter === undefined
        ? null
        : round((heapAfter - heapBefore) / 1024 / cached, 2),
    rssKiBPerCachedSession:
      rssBefore === undefined || rssAfter === undefined
        ? null
        : round(((rssAfter - rssBefore) * 1024) / cached, 2),
  };
}

/**
 * @param {string} databaseUrl
 * @param {string} userId
 * @param {number} count
 * @returns {Promise<string[]>}
 */
async function insertSessions(databaseUrl, userId, count) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'gatehouse-bench' });
  await client.connect();
  try {
    // last_seen_at = now(): no request of the run is due to write it back (at most once a minute).
    const { rows } = await client.query(
      `insert into sessions (id, user_id, transport, created_at, last_seen_at, auth_time, idle_expires_at,
         absolute_expires_at)
       select gen_random_uuid(), $1, 'BEARER', now(), now(), now(), now() + interval '1 day', now() + interval '1 day'
       from generate_series(1, $2) returning id`,
      [userId, count],
    );
    return rows.map((row) => String(row.id));
  } finally {
    await client.end();
  }
}

/**
 * Access tokens as `src/auth/access-tokens.ts` issues them: typ at+jwt, iss, aud, sub, sid, roles, iat, exp, jti.
 *
 * @param {{ JWT_KEYS: string }} secrets
 * @param {{ issuer: string, audience: string, ttlSec: number }} claims
 * @param {string} userId
 * @param {string[]} sessionIds
 */
async function signTokens(secrets, claims, userId, sessionIds) {
  const jwk = JSON.parse(secrets.JWT_KEYS).keys[0];
  const key = await importJWK(jwk, 'EdDSA');
  const now = Math.floor(Date.now() / 1000);
  /** @type {string[]} */
  const tokens = [];
  for (const sid of sessionIds) {
    tokens.push(
      await new SignJWT({ sid, roles: ['USER'] })
        .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid, typ: 'at+jwt' })
        .setIssuer(claims.issuer)
        .setAudience(claims.audience)
        .setSubject(userId)
        .setIssuedAt(now)
        .setExpirationTime(now + claims.ttlSec)
        .setJti(randomUUID())
        .sign(key),
    );
  }
  return tokens;
}

/**
 * `me` over `tokens` with autocannon: in order (each once, `amount`) or at random for `durationSec`.
 *
 * @param {string} url
 * @param {string[]} tokens
 * @param {{ connections: number, amount?: number, capSec?: number, durationSec?: number, random?: boolean }} how
 */
function drive(url, tokens, how) {
  const target = new URL(url);
  let next = 0;
  /** @type {number[]} */
  const latencies = [];
  let failed = 0;
  const body = JSON.stringify({ query: ME, variables: {} });
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const instance = autocannon(
      {
        url: target.origin,
        connections: how.connections,
        ...(how.amount !== undefined ? { amount: how.amount } : { duration: how.durationSec ?? 1 }),
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: target.pathname,
            body,
            setupRequest: (req) => {
              const i = how.random ? Math.floor(Math.random() * tokens.length) : next++ % tokens.length;
              return { ...req, headers: { ...BASE_HEADERS, authorization: `Bearer ${tokens[i]}` } };
            },
            onResponse: (status, text) => {
              if (status !== 200 || !text.includes('"me":{"id"')) failed++;
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        const elapsed = (performance.now() - started) / 1000;
        const sorted = latencies.sort((a, b) => a - b);
        resolve({
          requests: result.requests.total,
          requestsPerSec: round(result.requests.total / elapsed, 0),
          p50Ms: round(percentile(sorted, 50), 2),
          p99Ms: round(percentile(sorted, 99), 2),
          failed: failed + result.errors,
        });
      },
    );
    instance.on('response', (_c, _s, _b, ms) => latencies.push(ms));
    if (how.capSec !== undefined) {
      const timer = setTimeout(() => instance.stop(), how.capSec * 1000);
      instance.once('done', () => clearTimeout(timer));
    }
  });
}
