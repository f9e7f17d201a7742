// @ts-check
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URL } from 'node:url';
import pg from 'pg';

/**
 * Where one server child keeps its data: a fresh database on the DATABASE_URL server, or a fresh embedded one
 * under a temporary DATA_DIR. `drop` removes it (never the database DATABASE_URL names).
 *
 * @typedef {object} BenchDatabase
 * @property {'postgres' | 'embedded'} kind
 * @property {boolean} fresh  false when no database could be created and DATABASE_URL's own is used
 * @property {Record<string, string>} env  DATABASE_URL or DATA_DIR for the server child
 * @property {() => Promise<void>} drop
 */

/**
 * @param {string | undefined} databaseUrl
 * @param {(message: string) => void} warn
 * @returns {Promise<BenchDatabase>}
 */
export async function createBenchDatabase(databaseUrl, warn) {
  if (!databaseUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
    return {
      kind: 'embedded',
      fresh: true,
      env: { DATA_DIR: dataDir },
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `gatehouse_bench_${randomBytes(6).toString('hex')}`;
  try {
    await adminQuery(databaseUrl, `create database ${name}`);
  } catch (error) {
    // Without CREATE DATABASE the run still works on the given database; its tables then keep the bench
    // users.
    warn(`could not create a fresh database (${errorMessage(error)}); using DATABASE_URL's own database`);
    return {
      kind: 'postgres',
      fresh: false,
      env: { DATABASE_URL: databaseUrl },
      drop: async () => undefined,
    };
  }
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    fresh: true,
    env: { DATABASE_URL: url.toString() },
    drop: () => adminQuery(databaseUrl, `drop database if exists ${name} with (force)`),
  };
}

/**
 * @param {string} url
 * @param {string} sql  a statement without parameters (database names cannot be parameters)
 */
async function adminQuery(url, sql) {
  const client = new pg.Client({ connectionString: url, application_name: 'gatehouse-bench' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** @param {unknown} error */
export function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}
