// @ts-check
import {
  COOKIE_NAME,
  gql,
  LOGIN,
  loginBearer,
  loginCookie,
  mapLimit,
  ME,
  MY_SESSIONS,
  newCredentials,
  REFRESH,
  registerBearer,
} from './client.mjs';
import { RefreshPool } from './refresh-pool.mjs';

/**
 * The `me` scenarios of all servers (the bare server stock and on Gatehouse's HTTP construction; the last two:
 * Gatehouse twins with metrics on and off, bench/metrics-cost.mjs),
 * rotated in every round so none always runs first (or always after login):
 * Gatehouse's and the bare server's take turns under the same noise.
 */
export const ME_SCENARIOS = [
  'bare-anonymous',
  'bare-user',
  'bare-born-anonymous',
  'bare-born-user',
  'me-anonymous',
  'me-bearer',
  'me-cookie',
  'me-bearer-metrics-off',
  'me-bearer-metrics',
];
/** Then, in this order, every round. */
export const OTHER_SCENARIOS = ['my-sessions-bearer', 'refresh', 'login'];
/** The scenario the "x anon" ratios are taken against. */
export const BASELINE = 'me-anonymous';
/** The bare server's answer to `me` without credentials, the reference of every ratio to the bare server's anonymous. */
export const BARE_BASELINE = 'bare-anonymous';
/** Spare refresh sessions beyond one per connection. */
const SPARE_REFRESH_SESSIONS = 2;

/**
 * Who the scenarios act as. One "reader" user with two devices (a bearer session and a cookie session) reads
 * `me` and `mySessions`; logins go to a user of their own (each login adds a session, which would grow the
 * reader's `mySessions`); refreshes rotate a pool of bearer sessions of a third user.
 *
 * @param {string} url
 * @param {{ connections: number }} settings
 */
export async function seed(url, settings) {
  const reader = newCredentials('reader');
  const readerBearer = await registerBearer(url, reader);
  const readerCookie = await loginCookie(url, reader);
  const loginUser = newCredentials('login');
  await registerBearer(url, loginUser);
  const refresher = newCredentials('refresh');
  const first = await registerBearer(url, refresher);
  const extra = Array.from({ length: settings.connections + SPARE_REFRESH_SESSIONS - 1 }, (_, i) => i);
  const more = await mapLimit(extra, 2, () => loginBearer(url, refresher));
  return {
    reader: { userId: readerBearer.userId, accessToken: readerBearer.accessToken, cookie: readerCookie },
    loginUser,
    refreshTokens: [first.refreshToken, ...more.map((s) => s.refreshToken)],
  };
}

/** @typedef {Awaited<ReturnType<typeof seed>>} Seeds */

/**
 * The scenarios, each checked once by hand before any load so that a silently anonymous "authenticated" run
 * (a cookie the server ignored, say) fails the benchmark instead of flattering it.
 *
 * @param {string} url
 * @param {Seeds} seeds
 * @param {{ connections: number, loginConnections: number }} settings
 * @returns {Promise<{ scenarios: Map<string, import('./load.mjs').Scenario>, refreshPool: RefreshPool,
 *   answers: ExpectedAnswers }>}
 */
export async function buildScenarios(url, seeds, settings) {
  const { connections } = settings;
  const bearer = { authorization: `Bearer ${seeds.reader.accessToken}` };
  const cookie = { cookie: seeds.reader.cookie };
  const meBody = JSON.stringify({ query: ME });

  const anonymousAnswer = await expectedAnswer(url, ME, {}, (data) => data?.me === null);
  const isReader = (/** @type {any} */ data) => data?.me?.id === seeds.reader.userId;
  const bearerAnswer = await expectedAnswer(url, ME, bearer, isReader);
  const cookieAnswer = await expectedAnswer(url, ME, cookie, isReader);
  await expectedAnswer(url, MY_SESSIONS, bearer, (data) => Array.isArray(data?.mySessions));
  const loginVariables = { ...seeds.loginUser, transport: 'BEARER' };
  await expectedAnswer(
    url,
    LOGIN,
    {},
    (data) => typeof data?.login?.refreshToken === 'string',
    loginVariables,
  );

  const refreshPool = new RefreshPool(seeds.refreshTokens);
  /** @type {import('./load.mjs').Scenario[]} */
  const list = [
    {
      id: 'me-anonymous',
      label: 'me, anonymous',
      description: `${ME} with no credentials: the baseline (no token, no cookie, no database)`,
      server: 'gatehouse',
      reference: 'bare-anonymous',
      bornReference: 'bare-born-anonymous',
      connections,
      headers: {},
      body: meBody,
      check: (body) => body === anonymousAnswer,
    },
    {
      id: 'me-bearer',
      label: 'me, bearer',
      description: `${ME} with Authorization: Bearer <access token> (signature check + session state, both cached)`,
      server: 'gatehouse',
      reference: 'bare-user',
      bornReference: 'bare-born-user',
      connections,
      headers: bearer,
      body: meBody,
      check: (body) => body === bearerAnswer,
    },
    {
      id: 'me-cookie',
      label: 'me, cookie',
      description: `${ME} with the ${COOKIE_NAME} session cookie (cookie recognised once, then cached; session cached)`,
      server: 'gatehouse',
      reference: 'bare-user',
      bornReference: 'bare-born-user',
      connections,
      headers: cookie,
      body: meBody,
      check: (body) => body === cookieAnswer,
    },
    {
      id: 'my-sessions-bearer',
      label: 'mySessions, bearer',
      description: `${MY_SESSIONS} by bearer: one database read per request, for contrast`,
      server: 'gatehouse',
      connections,
      headers: bearer,
      body: JSON.stringify({ query: MY_SESSIONS }),
      check: (body) => body.startsWith('{"data":{"mySessions":[') && !body.includes('"errors"'),
    },
    {
      id: 'refresh',
      label: 'refresh (rotation)',
      description:
        'refresh(refreshToken) with a never-used token every time: one transaction (lock, insert successor, ' +
        'update session) + an audit row + a new access token',
      server: 'gatehouse',
      connections,
      headers: {},
      next: (context) => {
        const refreshToken = refreshPool.take();
        context.token = refreshToken;
        return JSON.stringify({ query: REFRESH, variables: { refreshToken } });
      },
      settle: (status, body, context) => refreshPool.settle(String(context.token), status, body),
    },
    {
      id: 'login',
      label: 'login (argon2id)',
      description: 'login(email, password, transport: BEARER): one argon2id verification + a new session',
      server: 'gatehouse',
      connections: settings.loginConnections,
      headers: {},
      body: JSON.stringify({ query: LOGIN, variables: loginVariables }),
      check: (body) => body.includes('"refreshToken":"ghr_') && !body.includes('"errors"'),
    },
  ];
  return {
    scenarios: new Map(list.map((s) => [s.id, s])),
    refreshPool,
    answers: { anonymous: anonymousAnswer, reader: bearerAnswer, readerHeaders: bearer },
  };
}

/**
 * Gatehouse's exact answers to `me`, which the bare server must repeat byte for byte.
 *
 * @typedef {object} ExpectedAnswers
 * @property {string} anonymous  the body for a request without credentials (`me: null`)
 * @property {string} reader  the body for the reader's bearer request
 * @property {Record<string, string>} readerHeaders  the reader's Authorization header
 */

/**
 * The reader as the bare server answers it (BARE_ME_USER): the `me` object of Gatehouse's own answer.
 *
 * @param {ExpectedAnswers} answers
 */
export function bareUserOf(answers) {
  const me = JSON.parse(answers.reader)?.data?.me;
  if (!me?.id) throw new Error(`no user in Gatehouse's answer: ${answers.reader}`);
  return JSON.stringify(me);
}

/**
 * The bare server's two scenarios, each checked once to answer exactly what Gatehouse answers: `me: null`
 * without credentials, and the reader to a request that carries the reader's very Authorization header (which
 * the bare server never verifies). Same request, same answer: what is left between the two servers is Gatehouse.
 * `born`: the bare server on Gatehouse's HTTP construction (BARE_HTTP=born), scenarios `bare-born-*` referred to
 * the stock bare server's (what the construction alone is worth).
 *
 * @param {string} url  the bare server's /graphql
 * @param {ExpectedAnswers} answers
 * @param {{ connections: number }} settings
 * @param {'stock' | 'born'} [http]
 * @returns {Promise<import('./load.mjs').Scenario[]>}
 */
export async function buildBareScenarios(url, answers, settings, http = 'stock') {
  const born = http === 'born';
  const prefix = born ? 'bare-born' : 'bare';
  const label = born ? 'bare (born prototypes)' : 'bare';
  const meBody = JSON.stringify({ query: ME });
  const anonymous = await gql(url, ME, {}, {});
  const reader = await gql(url, ME, {}, answers.readerHeaders);
  for (const [name, res, expected] of /** @type {const} */ ([
    ['anonymous', anonymous, answers.anonymous],
    ['user', reader, answers.reader],
  ])) {
    if (res.status !== 200 || res.text !== expected) {
      throw new Error(
        `pre-flight of the ${label} server (${name}): expected Gatehouse's answer ${expected}, got ${res.status} ${res.text}`,
      );
    }
  }
  return [
    {
      id: `${prefix}-anonymous`,
      label: `${label}, anonymous`,
      description:
        `${ME} to a bare Apollo 5 + Express 5 server (no Gatehouse code${born ? ' but its HTTP construction' : ''}), ` +
        'answering me: null',
      server: born ? 'bare-born' : 'bare',
      reference: 'bare-anonymous',
      connections: settings.connections,
      headers: {},
      body: meBody,
      check: (body) => body === answers.anonymous,
    },
    {
      id: `${prefix}-user`,
      label: `${label}, user`,
      description:
        `${ME} to the bare server with the reader's Authorization header (present, never verified), answering ` +
        "the reader's fixed user object: Gatehouse's authenticated answer, byte for byte",
      server: born ? 'bare-born' : 'bare',
      reference: born ? 'bare-user' : 'bare-anonymous',
      connections: settings.connections,
      headers: answers.readerHeaders,
      body: meBody,
      check: (body) => body === answers.reader,
    },
  ];
}

/**
 * Sends one request and returns its exact body, after checking the answer is the intended one.
 *
 * @param {string} url
 * @param {string} query
 * @param {Record<string, string>} headers
 * @param {(data: any) => boolean} isRight
 * @param {Record<string, unknown>} [variables]
 */
async function expectedAnswer(url, query, headers, isRight, variables = {}) {
  const res = await gql(url, query, variables, headers);
  if (res.status !== 200 || res.body.errors || !isRight(res.body.data)) {
    throw new Error(
      `pre-flight of ${query} (${Object.keys(headers).join(', ') || 'anonymous'}) failed: ${res.text}`,
    );
  }
  return res.text;
}
