// @ts-check
import { setTimeout as sleep } from 'node:timers/promises';
import { gql, loginCookie, ME, newCredentials, registerBearer } from './client.mjs';
import { queryIn, QUIET_MS } from './query-count.mjs';
import { startServer } from './server.mjs';

/** A short SESSION_CACHE_TTL, so that a few seconds of load span several TTLs. */
export const TTL_SEC = 1;
/** Concurrent clients per session: an entry that expires under load must be re-read once, not once per client. */
const CLIENTS_PER_SESSION = 4;

/**
 * @typedef {object} CacheTtlReads
 * @property {number} ttlSec  the SESSION_CACHE_TTL of the child
 * @property {number} sessions  sessions under load (one bearer, one cookie)
 * @property {number} clientsPerSession
 * @property {number} windowSec  how long the load ran
 * @property {number} requests
 * @property {number} queries  SQL statements seen during the load
 * @property {number} perRequest
 * @property {number} readsPerSessionPerTtl  queries / sessions / (windowSec / ttlSec): at most about 1
 * @property {number} maxExpected  the most reads the TTL allows in the window: sessions x (ceil(window / TTL) + 1)
 * @property {string[]} statements  the distinct SQL seen (shortened)
 */

/**
 * What the session cache's TTL costs (issue 10, item 3): a child with SESSION_CACHE_TTL=1s (logging SQL at
 * debug, as in query-count.mjs) is sent `me` by a bearer and a cookie session, several clients each, for
 * `durationSec`. Each session's entry expires every TTL and is re-read by whichever request comes next, once
 * (single flight): so at most one read per session per TTL, and none in between.
 *
 * @param {object} options
 * @param {string} options.root
 * @param {Record<string, string>} options.env  secrets and database for the child
 * @param {number} options.durationSec
 * @param {string[]} [options.nodeArgs]
 * @param {Set<import('./server.mjs').RunningServer>} [options.track]
 * @returns {Promise<CacheTtlReads>}
 */
export async function measureCacheTtlReads(options) {
  let queries = 0;
  let lastLineAt = Date.now();
  /** @type {Set<string> | undefined} */
  let recording;
  const server = await startServer({
    root: options.root,
    env: { ...options.env, LOG_LEVEL: 'debug', SESSION_CACHE_TTL: `${TTL_SEC}s` },
    nodeArgs: options.nodeArgs,
    track: options.track,
    onLine: (line) => {
      lastLineAt = Date.now();
      const sql = queryIn(line);
      if (sql === undefined || !recording) return;
      queries++;
      const statement = sql.replace(/\s*\[took [^\]]*\]\s*$/, '');
      recording.add(statement.length > 120 ? `${statement.slice(0, 117)}...` : statement);
    },
  });
  try {
    const url = server.url;
    const reader = newCredentials('ttl');
    const bearer = await registerBearer(url, reader);
    const cookie = await loginCookie(url, reader);
    /** @type {Record<string, string>[]} */
    const sessions = [{ authorization: `Bearer ${bearer.accessToken}` }, { cookie }];
    // Warm-up: the cookie's session id is looked up once, and both entries are cached.
    for (const headers of sessions) await expectMe(url, headers, bearer.userId);

    // The child's stdout is read asynchronously: start and stop counting only once it has been quiet.
    const quiet = async () => {
      const deadline = Date.now() + 5000;
      while (Date.now() - lastLineAt < QUIET_MS && Date.now() < deadline) await sleep(50);
    };
    await quiet();
    recording = new Set();
    const started = Date.now();
    const until = started + options.durationSec * 1000;
    let requests = 0;
    const client = async (/** @type {Record<string, string>} */ headers) => {
      while (Date.now() < until) {
        await expectMe(url, headers, bearer.userId);
        requests++;
      }
    };
    await Promise.all(
      sessions.flatMap((headers) => Array.from({ length: CLIENTS_PER_SESSION }, () => client(headers))),
    );
    const windowSec = (Date.now() - started) / 1000;
    await quiet();
    const statements = [...recording];
    recording = undefined;
    return {
      ttlSec: TTL_SEC,
      sessions: sessions.length,
      clientsPerSession: CLIENTS_PER_SESSION,
      windowSec,
      requests,
      queries,
      perRequest: queries / Math.max(requests, 1),
      readsPerSessionPerTtl: queries / sessions.length / (windowSec / TTL_SEC),
      maxExpected: sessions.length * (Math.ceil(windowSec / TTL_SEC) + 1),
      statements,
    };
  } finally {
    await server.stop();
  }
}

/**
 * @param {string} url
 * @param {Record<string, string>} headers
 * @param {string} userId
 */
async function expectMe(url, headers, userId) {
  const res = await gql(url, ME, {}, headers);
  if (res.status !== 200 || res.body.errors || res.body.data?.me?.id !== userId) {
    throw new Error(`cache TTL reads: me failed: ${res.status} ${res.text}`);
  }
}
