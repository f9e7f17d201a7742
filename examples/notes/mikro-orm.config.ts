import 'reflect-metadata';
import { PGlite } from '@electric-sql/pglite';
import { loadConfig } from '../../src/config.js';
import { ormOptions } from '../../src/db/orm-options.js';
import { entities } from '../../src/entities.js';
import { moduleMigrations } from '../../src/module.js';
import { notesModule } from './module.js';

/**
 * MikroORM CLI configuration for the notes module (`npm run examples:notes:migration:create`): Gatehouse's
 * entities and the module's, compared with a database that has every migration applied (DATABASE_URL, e.g. the
 * one `npm run examples:notes` migrated); the new migration is written to examples/notes/migrations.
 */
const config = loadConfig(process.env);
const target = config.databaseUrl
  ? ({ kind: 'postgres', url: config.databaseUrl } as const)
  : ({ kind: 'embedded', pglite: new PGlite() } as const);
const options = ormOptions(
  target,
  [...entities, ...notesModule.entities],
  undefined,
  false,
  moduleMigrations([notesModule]),
);

export default {
  ...options,
  migrations: {
    ...options.migrations,
    path: 'examples/notes/migrations',
    pathTs: 'examples/notes/migrations',
    emit: 'ts',
  },
};
