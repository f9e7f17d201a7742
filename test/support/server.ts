import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp, type App } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { GatehouseModule } from '../../src/module.js';
import { TestClock } from './clock.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { testFactorKey, testKeys, testSessionSecret } from './keys.js';

export interface TestServer {
  readonly app: App;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** origin + /graphql */
  readonly url: string;
  readonly clock: TestClock;
  /** Every log line the server wrote (JSON), for tests that look for leaks. */
  readonly logs: string[];
  stop(): Promise<void>;
}

/** Starts the real app on an ephemeral port against a test database. */
export async function startServer(
  db: TestDatabase,
  options: {
    env?: Record<string, string>;
    clock?: Clock & TestClock;
    /** Your own API on Gatehouse, as `createApp(config, { modules })` takes it. */
    modules?: readonly GatehouseModule[];
  } = {},
): Promise<TestServer> {
  const keys = await testKeys();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'gatehouse-test-')),
    JWT_KEYS: JSON.stringify({ keys }),
    SESSION_SECRETS: testSessionSecret,
    FACTOR_ENCRYPTION_KEY: testFactorKey,
    // Every test registers from 127.0.0.1: per-IP limits would trip across a file. Tests of limits set their own.
    RATE_LIMIT_REGISTER_PER_IP: '1000000',
    RATE_LIMIT_LOGIN_PER_IP: '1000000',
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const clock = options.clock ?? new TestClock();
  const app = await createApp(config, {
    clock,
    logger: createLogger(config.logLevel, sink),
    pglite: db.pglite,
    modules: options.modules,
  });
  const address = await app.listen(0, '127.0.0.1');
  const origin = `http://127.0.0.1:${address.port}`;
  return { app, origin, url: `${origin}/graphql`, clock, logs, stop: () => app.stop() };
}

/** A test file's database and server: started before its tests, stopped after them. */
export interface TestContext {
  readonly db: TestDatabase;
  readonly server: TestServer;
}

/**
 * Registers beforeAll/afterAll hooks that give the test file a fresh database and a server on it. The returned
 * object is filled in by beforeAll, so read its properties inside tests and hooks, not at the top level.
 */
export function useTestServer(
  options: {
    env?: Record<string, string> | (() => Promise<Record<string, string>>);
    modules?: readonly GatehouseModule[];
  } = {},
): TestContext {
  const context = {} as { db: TestDatabase; server: TestServer };
  beforeAll(async () => {
    context.db = await createTestDatabase();
    const env = typeof options.env === 'function' ? await options.env() : options.env;
    context.server = await startServer(context.db, { env, modules: options.modules });
  });
  afterAll(async () => {
    await context.server?.stop();
    await context.db?.close();
  });
  return context;
}

/** Two app instances on one database, as behind a load balancer. */
export interface TwoInstances {
  readonly db: TestDatabase;
  readonly a: TestServer;
  readonly b: TestServer;
}

/**
 * Registers beforeAll/afterAll hooks that give the test file one fresh database and two servers on it (each with
 * its own cache, listener and clock). Read the properties inside tests and hooks, not at the top level.
 */
export function useTwoInstances(options: { env?: Record<string, string> } = {}): TwoInstances {
  const context = {} as { db: TestDatabase; a: TestServer; b: TestServer };
  beforeAll(async () => {
    context.db = await createTestDatabase();
    context.a = await startServer(context.db, { env: options.env });
    context.b = await startServer(context.db, { env: options.env });
  });
  afterAll(async () => {
    await context.a?.stop();
    await context.b?.stop();
    await context.db?.close();
  });
  return context;
}
