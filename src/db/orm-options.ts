import { type EntityClass, type MigrationObject, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { PGlite } from '@electric-sql/pglite';
import { PGliteDriver } from 'mikro-orm-pglite';
import { migrationsList } from './migrations/index.js';

/** Where the data lives: a PostgreSQL server, or an embedded PGlite instance (in memory or on disk). */
export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'embedded'; pglite: PGlite };

/**
 * ORM options for either target. Both run the same entities, the same migrations and the same SQL: the
 * embedded one only swaps the driver's connection for PGlite in-process, so there is one code path.
 */
export function ormOptions(
  target: DatabaseTarget,
  entities: readonly EntityClass<object>[],
  log?: (message: string) => void,
  logQueries = false,
  moduleMigrations: readonly MigrationObject[] = [],
): Options {
  const common: Options = {
    entities: [...entities],
    extensions: [Migrator],
    // Migrations are listed in code so the compiled server, the CLI and ts-jest all find the same set. Modules'
    // run after Gatehouse's (their tables may reference users), in the order given.
    migrations: {
      migrationsList: [...migrationsList, ...moduleMigrations],
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    // A forgotten fork must fail loudly instead of sharing one identity map across requests.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    discovery: { disableDynamicFileAccess: true },
    // At LOG_LEVEL=debug every SQL statement is logged (without parameter values, which may hold hashes): the
    // benchmark counts these lines to prove authenticated requests cost zero queries in the steady state.
    debug: logQueries ? ['query'] : false,
    // MikroORM's own messages (migrator progress) go to our structured log, not to stdout in colour.
    ...(log ? { logger: log, colors: false } : {}),
  };
  if (target.kind === 'postgres') {
    return { ...common, driver: PostgreSqlDriver, clientUrl: target.url, pool: { min: 0, max: 10 } };
  }
  return {
    ...common,
    driver: PGliteDriver,
    dbName: 'postgres',
    // An instance handed in is "borrowed": the ORM never closes it, its owner does.
    driverOptions: { connection: { pglite: () => target.pglite } },
  };
}
