import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MikroORM, type EntityClass, type MigrationObject } from '@mikro-orm/core';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from '../logger.js';
import { lockDataDir } from './data-dir-lock.js';
import { ormOptions, type DatabaseTarget } from './orm-options.js';

/** An open database: the ORM plus what it needs to be closed and watched. */
export interface Database {
  readonly orm: MikroORM;
  readonly target: DatabaseTarget;
  /** Runs pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /** True when the database answers and no migration is pending. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A PostgreSQL URL; without it the embedded database is used. */
  readonly databaseUrl: string | undefined;
  /** Where the embedded database keeps its files; undefined keeps it in memory. */
  readonly dataDir: string | undefined;
  /** An embedded instance owned by the caller (tests share one between two app instances). */
  readonly pglite?: PGlite;
  readonly logger: Logger;
  /** The entities the ORM maps: Gatehouse's own (src/entities.ts) and any a module adds. */
  readonly entities: readonly EntityClass<object>[];
  /** Modules' migrations (named `<module>_<migration>`), run after Gatehouse's own. */
  readonly migrations?: readonly MigrationObject[];
}

/** Opens PostgreSQL or the embedded PGlite and connects the ORM (migrations are run by the caller). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  let ownedPglite: PGlite | undefined;
  let unlock: (() => void) | undefined;
  let target: DatabaseTarget;
  if (options.databaseUrl) {
    target = { kind: 'postgres', url: options.databaseUrl };
  } else if (options.pglite) {
    target = { kind: 'embedded', pglite: options.pglite };
  } else {
    let dir: string | undefined;
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      unlock = lockDataDir(options.dataDir);
      dir = join(options.dataDir, 'pgdata');
    }
    try {
      ownedPglite = await PGlite.create(dir);
    } catch (error) {
      unlock?.();
      throw error;
    }
    target = { kind: 'embedded', pglite: ownedPglite };
  }
  let orm: MikroORM;
  try {
    const logQueries = options.logger.isLevelEnabled('debug');
    orm = await MikroORM.init(
      ormOptions(
        target,
        options.entities,
        (message) => options.logger.debug({ orm: message }, 'orm'),
        logQueries,
        options.migrations,
      ),
    );
  } catch (error) {
    await ownedPglite?.close();
    unlock?.();
    throw error;
  }
  const migrator = orm.getMigrator();
  return {
    orm,
    target,
    async migrate() {
      const applied = await migrator.up();
      if (applied.length > 0) {
        options.logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
      }
      return applied.map((m) => m.name);
    },
    async isReady() {
      try {
        await orm.em.fork().getConnection().execute('select 1');
        return (await migrator.getPendingMigrations()).length === 0;
      } catch {
        return false;
      }
    },
    async close() {
      await orm.close(true);
      await ownedPglite?.close();
      unlock?.();
    },
  };
}
