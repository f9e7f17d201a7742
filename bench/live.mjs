// @ts-check
/**
 * Live GraphQL figures (issue 15), run on its own after `npm run build`: `DATABASE_URL=postgres://… node
 * bench/live.mjs [sockets] [revocations]`. Two app instances of the compiled server in this process, on one
 * PostgreSQL database: N authenticated sockets on instance B (heap and RSS per socket, clients included, since they
 * live in this process too), then the time from a revocation sent to instance A until its socket on B is closed
 * (4403), p50/p99. Without DATABASE_URL it says why and stops, like the scale-out scenario.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { URL } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stdout.write('live: SKIPPED (needs DATABASE_URL: two instances share one PostgreSQL database)\n');
  process.exit(0);
}
const SOCKETS = Number(process.argv[2] ?? 2000);
const REVOCATIONS = Number(process.argv[3] ?? 100);

/** The compiled server (`npm run build`), loaded by address so the type check does not read dist/. */
const dist = (/** @type {string} */ file) => new URL(`../dist/${file}`, import.meta.url).href;
/** @type {any} */
const { createApp } = await import(dist('app.js'));
/** @type {any} */
const { loadConfig } = await import(dist('config.js'));
/** @type {any} */
const { createLogger } = await import(dist('logger.js'));

const name = `gh_bench_live_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`create database ${name}`);
const dbUrl = new URL(url);
dbUrl.pathname = `/${name}`;

const env = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: dbUrl.toString(),
  DATA_DIR: mkdtempSync(join(tmpdir(), 'gh-live-')),
  RATE_LIMIT_LOGIN_PER_IP: '1000000',
  RATE_LIMIT_REGISTER_PER_IP: '1000000',
  WS_MAX_SOCKETS_PER_SESSION: '1000',
  WS_MAX_SOCKETS_PER_IP: '1000000',
};
const config = loadConfig(env);
const a = await createApp(config, { logger: createLogger('silent') });
const b = await createApp(config, { logger: createLogger('silent') });
const origin = async (/** @type {any} */ app) =>
  `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}`;
const [urlA, urlB] = [await origin(a), await origin(b)];

/** @param {string} base @param {string} query @param {Record<string, unknown>} variables @param {string} [token] */
async function gql(base, query, variables = {}, token) {
  const headers = { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) };
  const res = await globalThis.fetch(`${base}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  return /** @type {any} */ (await res.json());
}
const LOGIN =
  'mutation($e: String!, $p: String!) { login(email: $e, password: $p, transport: BEARER) { accessToken session { id } } }';
const email = `live-${randomBytes(4).toString('hex')}@example.com`;
const password = 'correct horse battery staple';
await gql(
  urlA,
  'mutation($e: String!, $p: String!) { register(email: $e, password: $p, transport: BEARER) { accessToken } }',
  { e: email, p: password },
);
const login = async () => (await gql(urlA, LOGIN, { e: email, p: password })).data.login;

/** @param {string} token @returns {Promise<WebSocket>} */
function socket(token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(urlB.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
    ws.once('open', () =>
      ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })),
    );
    ws.once('message', () => resolve(ws));
    ws.once('error', reject);
  });
}

// 1. Memory per socket: N sockets on B, 500 per session (under WS_MAX_SOCKETS_PER_SESSION).
/** @type {any[]} */
const holders = [];
for (let i = 0; i < Math.ceil(SOCKETS / 500); i++) holders.push(await login());
const gcAvailable = typeof globalThis.gc === 'function';
const memory = () => {
  if (gcAvailable) /** @type {any} */ (globalThis).gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
};
const before = memory();
/** @type {WebSocket[]} */
const sockets = [];
for (let i = 0; i < SOCKETS; i += 100) {
  const batch = Array.from(
    { length: Math.min(100, SOCKETS - i) },
    (_, j) => holders[(i + j) % holders.length],
  );
  sockets.push(...(await Promise.all(batch.map((h) => socket(h.accessToken)))));
}
const after = memory();
const perSocket = {
  heapKiB: (after.heap - before.heap) / SOCKETS / 1024,
  rssKiB: (after.rss - before.rss) / SOCKETS / 1024,
};

// 2. Revocation on A → close on B.
/** @type {number[]} */
const latencies = [];
for (let i = 0; i < REVOCATIONS; i++) {
  const session = await login();
  const ws = await socket(session.accessToken);
  const closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  const started = performance.now();
  await gql(urlA, 'mutation { logout }', {}, session.accessToken);
  const code = await closed;
  if (code !== 4403) throw new Error(`expected 4403, got ${code}`);
  latencies.push(performance.now() - started);
}
latencies.sort((x, y) => x - y);
const pct = (/** @type {number} */ p) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];

for (const ws of sockets) ws.terminate();
await a.stop();
await b.stop();
await admin.query(`drop database if exists ${name} with (force)`);
await admin.end();

const result = {
  sockets: SOCKETS,
  gc: gcAvailable,
  perSocket: { heapKiB: +perSocket.heapKiB.toFixed(1), rssKiB: +perSocket.rssKiB.toFixed(1) },
  revocationToClose: {
    samples: latencies.length,
    p50ms: +pct(50).toFixed(1),
    p99ms: +pct(99).toFixed(1),
    maxMs: +(latencies.at(-1) ?? 0).toFixed(1),
  },
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
