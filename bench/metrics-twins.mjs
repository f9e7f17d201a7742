// @ts-check
/**
 * The metrics twins' process (issue 16), started by the benchmark like dist/main.js: two Gatehouse apps in one
 * Node process, identical but for METRICS_TOKEN. The one without it listens on PORT (the benchmark's readiness
 * check asks it); the one with it on a port of the kernel's choosing, announced on stdout before PORT is bound.
 * One process, so both run the same compiled code on the same heap and JIT, and the only difference between them is
 * what counting costs: two processes differ by more than that from one start to the next (issue 16's first
 * two-children figures swung from 0.58 to 1.02 ×).
 *
 * TWIN_METRICS_TOKEN: the metrics-on app's token; TWIN_DATABASE_URL / TWIN_DATA_DIR: its database (a database of
 * its own, as an embedded database belongs to one app).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { METRICS_ON_LINE } from './metrics-cost.mjs';

const require = createRequire(import.meta.url);
const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

async function main() {
  // The app first: it loads MikroORM as main.js does (src/db/orm-async-context.ts).
  const { createApp } = require(join(DIST, 'app.js'));
  const { loadConfig } = require(join(DIST, 'config.js'));
  const { createLogger } = require(join(DIST, 'logger.js'));
  const token = process.env.TWIN_METRICS_TOKEN;
  if (!token) throw new Error('TWIN_METRICS_TOKEN is not set');
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- taken out, not used
  const { TWIN_METRICS_TOKEN, TWIN_DATABASE_URL, TWIN_DATA_DIR, METRICS_TOKEN, ...env } = process.env;
  const offConfig = loadConfig(env);
  const onConfig = loadConfig({
    ...env,
    METRICS_TOKEN: token,
    ...(TWIN_DATABASE_URL ? { DATABASE_URL: TWIN_DATABASE_URL } : {}),
    ...(TWIN_DATA_DIR ? { DATA_DIR: TWIN_DATA_DIR } : {}),
  });
  const logger = createLogger(offConfig.logLevel);
  const off = await createApp(offConfig, { logger });
  const on = await createApp(onConfig, { logger });
  const onAddress = await on.listen(0, onConfig.host);
  process.stdout.write(`${METRICS_ON_LINE}http://${onConfig.host}:${onAddress.port}/graphql\n`);
  await off.listen(offConfig.port, offConfig.host);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    Promise.all([on.stop(), off.stop()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((/** @type {unknown} */ error) => {
  process.stderr.write(
    `metrics twins failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
