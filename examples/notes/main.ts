import 'reflect-metadata';
import { createApp } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { notesModule } from './module.js';

/** `npm run examples:notes`: Gatehouse with the notes module, on the same settings as `npm start`. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const app = await createApp(config, { logger, modules: [notesModule] });
  const address = await app.listen(config.port, config.host);
  logger.info({ url: `http://${address.address}:${address.port}/graphql` }, 'Gatehouse with notes is ready');
  const shutdown = () =>
    void app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `Invalid configuration: ${error.message}` : error;
  console.error('Gatehouse failed to start:', message instanceof Error ? message.message : message);
  process.exit(1);
});
