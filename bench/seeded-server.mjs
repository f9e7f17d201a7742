// @ts-check
import { gql, LOGIN, ME, newCredentials, registerBearer } from './client.mjs';
import { createBenchDatabase } from './database.mjs';
import { startServer } from './server.mjs';

/**
 * One more Gatehouse child for a comparison with the main one (argon2 uncapped): started like it, with `extraEnv` on
 * top, on a database of its own (an embedded database belongs to one process), with a reader of its own and a user
 * to log in as. Returns its `me` by bearer and login scenarios, each checked once.
 *
 * @param {object} options
 * @param {string} options.root
 * @param {Record<string, string>} options.secrets
 * @param {Record<string, string>} options.extraEnv
 * @param {string} options.id  the `me` scenario's id
 * @param {string} options.label  the `me` scenario's label
 * @param {'uncapped'} options.server  which child the scenarios name
 * @param {import('./settings.mjs').BenchSettings} options.settings
 * @param {Set<import('./server.mjs').RunningServer>} options.track
 * @param {import('./database.mjs').BenchDatabase[]} options.databases  the new database is added (dropped by the caller)
 * @param {(message: string) => void} options.progress
 */
export async function startSeededServer(options) {
  const { settings } = options;
  const db = await createBenchDatabase(settings.databaseUrl, options.progress);
  options.databases.push(db);
  const server = await startServer({
    root: options.root,
    env: { ...options.secrets, ...db.env, LOG_LEVEL: 'warn', ...options.extraEnv },
    nodeArgs: settings.serverNodeArgs,
    track: options.track,
  });
  const described = `with ${Object.keys(options.extraEnv).join(', ')} set`;
  return { server, ...(await seedReader(server.url, { ...options, described })) };
}

/**
 * Registers a reader and a user to log in as on a running Gatehouse, and returns its `me` by bearer and login
 * scenarios, each checked once.
 *
 * @param {string} url
 * @param {object} options
 * @param {string} options.id  the `me` scenario's id
 * @param {string} options.label  the `me` scenario's label
 * @param {'metrics' | 'metrics-off' | 'uncapped'} options.server  which child the scenarios name
 * @param {string} options.described  how this Gatehouse differs, for the scenario's description
 * @param {{ connections: number, loginConnections: number }} options.settings
 */
export async function seedReader(url, options) {
  const { settings } = options;
  const session = await registerBearer(url, newCredentials(`${options.server}-reader`));
  const loginUser = newCredentials(`${options.server}-login`);
  await registerBearer(url, loginUser);
  const headers = { authorization: `Bearer ${session.accessToken}` };
  const res = await gql(url, ME, {}, headers);
  if (res.status !== 200 || res.body.data?.me?.id !== session.userId) {
    throw new Error(`pre-flight of ${ME} on the ${options.server} server failed: ${res.status} ${res.text}`);
  }
  const answer = res.text;
  const loginVariables = { ...loginUser, transport: 'BEARER' };
  const loginRes = await gql(url, LOGIN, loginVariables);
  if (typeof loginRes.body.data?.login?.refreshToken !== 'string') {
    throw new Error(`pre-flight of login on the ${options.server} server failed: ${loginRes.text}`);
  }
  /** @type {import('./load.mjs').Scenario} */
  const me = {
    id: options.id,
    label: options.label,
    description: `${ME} by bearer to a Gatehouse ${options.described}`,
    server: options.server,
    reference: 'me-bearer',
    connections: settings.connections,
    headers,
    body: JSON.stringify({ query: ME }),
    check: (body) => body === answer,
  };
  /** @type {import('./load.mjs').Scenario} */
  const login = {
    id: `${options.id}-login`,
    label: `login, ${options.server}`,
    description: 'login(email, password, transport: BEARER)',
    server: options.server,
    connections: settings.loginConnections,
    headers: {},
    body: JSON.stringify({ query: LOGIN, variables: loginVariables }),
    check: (body) => body.includes('"refreshToken":"ghr_') && !body.includes('"errors"'),
  };
  return { me, login };
}
