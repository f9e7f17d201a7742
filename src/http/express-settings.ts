import type { Express } from 'express';
import type { Config } from '../config.js';

/** The Express settings every instance runs with, whatever is mounted on it. */
export function applyExpressSettings(app: Express, options: Pick<Config, 'trustProxy'>): void {
  app.disable('x-powered-by');
  // Every GraphQL answer is no-store: an ETag (a hash of each body) would be computed for nothing.
  app.set('etag', false);
  app.set('trust proxy', options.trustProxy);
}
