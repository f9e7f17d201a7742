// @ts-check
/**
 * The bare server (issue 17): Apollo Server 5 on Express 5 answering the benchmark's `{ me { id email roles } }`
 * with no Gatehouse code at all, the yardstick for "what does authentication cost". Started by the benchmark as
 * a child process, like Gatehouse: `NODE_ENV=production node bench/bare-server.mjs`, on HOST:PORT.
 *
 * It answers the very same JSON bodies Gatehouse answers: `me: null` to a request without credentials, and the
 * benchmark's reader (BARE_ME_USER, a fixed `{ id, email, roles }` taken from Gatehouse's own answer) to a request
 * that carries an Authorization header, which is never looked at beyond its presence: authentication that costs
 * nothing. Apollo keeps its defaults otherwise, with `csrfPrevention: true` and no batching, as Gatehouse has them.
 *
 * With BARE_HTTP=born it runs on Gatehouse's HTTP construction (dist/http/express-server.js: requests and
 * responses born with the app's prototypes, so Express's per-request `setPrototypeOf` leaves hidden classes shared)
 * and nothing else of Gatehouse: the yardstick for what Gatehouse's own work costs once both servers have that fix.
 */
import { createServer } from 'node:http';
import process from 'node:process';
import { URL } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { buildSchema } from 'graphql';

const SCHEMA = buildSchema(`
  enum Role { USER ADMIN }
  type User { id: ID! email: String! roles: [Role!]! }
  type Query { me: User }
`);

/** @typedef {{ id: string, email: string, roles: string[] }} BareUser */
/** @typedef {{ user: BareUser | null }} BareContext */

async function main() {
  const user = /** @type {BareUser} */ (JSON.parse(required('BARE_ME_USER')));
  const port = Number(required('PORT'));
  const host = required('HOST');

  const { app, httpServer } = process.env.BARE_HTTP === 'born' ? await bornServer() : plainServer();
  /** @type {import('@apollo/server').ApolloServerOptions<BareContext>} */
  const options = {
    schema: SCHEMA,
    rootValue: { me: (/** @type {unknown} */ _args, /** @type {BareContext} */ context) => context.user },
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
  };
  const apollo = new ApolloServer(options);
  await apollo.start();

  app.disable('x-powered-by');
  app.get('/readyz', (_req, res) => {
    res.status(200).json({ status: 'ready' });
  });
  app.use(
    '/graphql',
    express.json({ limit: '100kb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => ({ user: req.headers.authorization === undefined ? null : user }),
    }),
  );

  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve(undefined));
  });
  process.stdout.write(`bare server ready on http://${host}:${port}/graphql\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    apollo.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Stock Express on Node's http server. */
function plainServer() {
  const app = express();
  return { app, httpServer: createServer(app) };
}

/**
 * Gatehouse's HTTP construction, from its build (`npm run bench` builds first).
 *
 * @returns {Promise<{ app: import('express').Express, httpServer: import('node:http').Server }>}
 */
async function bornServer() {
  const built = new URL('../dist/http/express-server.js', import.meta.url);
  const { createExpressServer } = await import(built.href);
  return createExpressServer();
}

/** @param {string} name */
function required(name) {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

main().catch((error) => {
  process.stderr.write(
    `bare server failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
