import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printDeclaredSchema } from '../../src/cli/print-schema.js';
import { gql } from '../support/client.js';
import { useTestServer } from '../support/server.js';

const t = useTestServer();

describe('the server', () => {
  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${t.server.origin}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${t.server.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('answers { me } with null for an anonymous caller', async () => {
    const res = await gql(t.server.url, '{ me { id } }');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { me: null } });
  });

  it('refuses a body over 100 kB with 413', async () => {
    const query = `{ me { id } } # ${'x'.repeat(110_000)}`;
    const res = await gql(t.server.url, query);
    expect(res.status).toBe(413);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses malformed JSON with 400 and no internals', async () => {
    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toMatch(/node_modules|at \w+ \(/);
  });

  it('sets helmet headers and a request id', async () => {
    const res = await fetch(`${t.server.origin}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('has applied every migration, and the entities need no new one', async () => {
    const migrator = t.server.app.db.orm.getMigrator();
    expect(await migrator.getPendingMigrations()).toEqual([]);
    expect(await migrator.checkMigrationNeeded()).toBe(false);
  });
});

describe('schema.graphql', () => {
  it('is exactly what the code prints (run `npm run schema` after changing the schema)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
    expect(await printDeclaredSchema()).toBe(committed);
  });
});
