import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** A fresh, empty database for one test file: a new database on TEST_DATABASE_URL's server, else in-memory PGlite. */
export interface TestDatabase {
  readonly kind: 'postgres' | 'embedded';
  readonly databaseUrl?: string;
  readonly pglite?: PGlite;
  close(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const pglite = await PGlite.create();
    return { kind: 'embedded', pglite, close: () => pglite.close() };
  }
  const name = `gh_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    databaseUrl: url.toString(),
    async close() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Runs SQL against the test database (to look at what the server wrote, or to break things on purpose). */
export async function sql<T = Record<string, unknown>>(
  db: TestDatabase,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  if (db.pglite) return (await db.pglite.query<T>(text, params)).rows;
  const c = new pg.Client({ connectionString: db.databaseUrl });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}
