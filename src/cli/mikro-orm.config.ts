import 'reflect-metadata';
import { PGlite } from '@electric-sql/pglite';
import { loadConfig } from '../config.js';
import { ormOptions } from '../db/orm-options.js';
import { entities } from '../entities.js';

/**
 * Configuration for the MikroORM CLI (`npm run db:migration:create`), which generates migrations by
 * comparing the entities with a database that has the existing migrations applied.
 */
const config = loadConfig(process.env);
const target = config.databaseUrl
  ? ({ kind: 'postgres', url: config.databaseUrl } as const)
  : ({ kind: 'embedded', pglite: new PGlite() } as const);

export default {
  ...ormOptions(target, entities),
  migrations: {
    ...ormOptions(target, entities).migrations,
    path: 'dist/db/migrations',
    pathTs: 'src/db/migrations',
    emit: 'ts',
  },
};
