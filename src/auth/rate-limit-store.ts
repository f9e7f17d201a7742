import pg from 'pg';
import type { DatabaseTarget } from '../db/orm-options.js';
import type { Logger } from '../logger.js';
import type { RateLimitStore } from './rate-limits.js';

/**
 * Where rate-limit counters live: in PostgreSQL so every instance shares them (a small pool of its own, which
 * `close` ends), in memory for the embedded database, which one process alone can open.
 */
export function openRateLimitStore(options: { readonly target: DatabaseTarget; readonly logger: Logger }): {
  readonly store: RateLimitStore;
  close(): Promise<void>;
} {
  const { target, logger } = options;
  if (target.kind !== 'postgres') return { store: { kind: 'memory' }, close: async () => {} };
  const pool = new pg.Pool({ connectionString: target.url, max: 4, application_name: 'gatehouse-ratelimit' });
  pool.on('error', (error) => logger.warn({ err: error }, 'rate-limit pool error'));
  return { store: { kind: 'postgres', pool }, close: () => pool.end() };
}
