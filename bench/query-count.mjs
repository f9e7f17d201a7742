// @ts-check
import { setTimeout as sleep } from 'node:timers/promises';
import { gql, loginCookie, ME, MY_SESSIONS, newCredentials, registerBearer } from './client.mjs';
import { startServer } from './server.mjs';

/** Requests per transport before counting, so every per-instance cache has been filled. */
const WARM_UP_REQUESTS = 5;
/** The server moves a session's last-seen at most this often; a longer window would count those writes too. */
const TOUCH_INTERVAL_SEC = 60;
/** The child's stdout is read asynchronously: wait until it has been quiet this long before reading a count. */
export const QUIET_MS = 300;

/**
 * @typedef {object} QueryCount
 * @property {number} requests
 * @property {number} queries
 * @property {number} perRequest
 * @property {string[]} statements  the distinct SQL seen (shortened), to say what a non-zero count was
 */

/**
 * Counts SQL statements per request in the steady state. A second server child runs at LOG_LEVEL=debug, where
 * the ORM logs every statement as a JSON line whose "orm" member starts with "[query]"
 * (src/db/orm-options.ts). After a warm-up, N `me` requests by bearer and N by cookie are sent one at a time
 * and the lines in between are counted; `mySessions` (one read by design) is counted too, as proof that the
 * counting sees queries at all.
 *
 * @param {object} options
 * @param {string} options.root
 * @param {Record<string, string>} options.env  secrets and database for the child
 * @param {number} options.requests  per transport
 * @param {string[]} [options.nodeArgs]
 * @param {Set<import('./server.mjs').RunningServer>} [options.track]
 */
export async function countQueries(options) {
  let queries = 0;
  let lastLineAt = Date.now();
  /** @type {Set<string> | undefined} */
  let recording;
  const server = await startServer({
    root: options.root,
    env: { ...options.env, LOG_LEVEL: 'debug' },
    nodeArgs: options.nodeArgs,
    track: options.track,
    onLine: (line) => {
      lastLineAt = Date.now();
      const sql = queryIn(line);
      if (sql === undefined) return;
      queries++;
      const statement = sql.replace(/\s*\[took [^\]]*\]\s*$/, '');
      recording?.add(statement.length > 120 ? `${statement.slice(0, 117)}...` : statement);
    },
  });
  try {
    const url = server.url;
    const reader = newCredentials('counted');
    const bearer = await registerBearer(url, reader);
    const cookie = await loginCookie(url, reader);
    const loggedInAt = Date.now();
    const transports = {
      bearer: { authorization: `Bearer ${bearer.accessToken}` },
      cookie: { cookie },
    };

    const quiet = async () => {
      const deadline = Date.now() + 5000;
      while (Date.now() - lastLineAt < QUIET_MS && Date.now() < deadline) await sleep(50);
    };
    /**
     * @param {string} query
     * @param {Record<string, string>} headers
     * @param {(data: any) => boolean} isRight
     * @param {number} n
     */
    const send = async (query, headers, isRight, n) => {
      for (let i = 0; i < n; i++) {
        const res = await gql(url, query, {}, headers);
        if (res.status !== 200 || res.body.errors || !isRight(res.body.data)) {
          throw new Error(`query counting: ${query} failed: ${res.status} ${res.text}`);
        }
      }
    };
    /**
     * @param {string} query
     * @param {Record<string, string>} headers
     * @param {(data: any) => boolean} isRight
     * @param {number} n
     * @returns {Promise<QueryCount>}
     */
    const count = async (query, headers, isRight, n) => {
      await quiet();
      const before = queries;
      recording = new Set();
      await send(query, headers, isRight, n);
      await quiet();
      const statements = [...recording];
      recording = undefined;
      const counted = queries - before;
      return { requests: n, queries: counted, perRequest: counted / n, statements };
    };

    const isReader = (/** @type {any} */ data) => data?.me?.id === bearer.userId;
    const hasSessions = (/** @type {any} */ data) => Array.isArray(data?.mySessions);
    for (const headers of Object.values(transports)) await send(ME, headers, isReader, WARM_UP_REQUESTS);
    await send(MY_SESSIONS, transports.bearer, hasSessions, 1);

    const n = options.requests;
    const result = {
      bearer: await count(ME, transports.bearer, isReader, n),
      cookie: await count(ME, transports.cookie, isReader, n),
      mySessions: await count(MY_SESSIONS, transports.bearer, hasSessions, Math.min(n, 20)),
      windowSec: (Date.now() - loggedInAt) / 1000,
    };
    if (result.mySessions.queries === 0) {
      throw new Error(
        'query counting saw no "[query]" log line even for mySessions: the server no longer logs SQL at ' +
          'LOG_LEVEL=debug (src/db/orm-options.ts), so zero for me would prove nothing',
      );
    }
    return {
      ...result,
      touchIntervalSec: TOUCH_INTERVAL_SEC,
      windowWithinTouchInterval: result.windowSec < TOUCH_INTERVAL_SEC,
    };
  } finally {
    await server.stop();
  }
}

/**
 * The SQL of a "[query]" log line, or undefined for any other line.
 *
 * @param {string} line
 */
export function queryIn(line) {
  if (!line.includes('[query]')) return undefined;
  try {
    const entry = JSON.parse(line);
    return typeof entry.orm === 'string' && entry.orm.startsWith('[query]') ? entry.orm.slice(8) : undefined;
  } catch {
    return undefined;
  }
}
