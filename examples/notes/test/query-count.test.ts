import { gql } from '../../../test/support/client.js';
import { sql } from '../../../test/support/database.js';
import { useTestServer } from '../../../test/support/server.js';
import { registerBearer } from '../../../test/support/users.js';
import { notesModule } from '../module.js';

// At LOG_LEVEL=debug the ORM logs every SQL statement as a JSON line whose "orm" member starts with "[query]"
// (src/db/orm-options.ts), as the benchmark counts them (bench/query-count.mjs).
const ctx = useTestServer({ modules: [notesModule], env: { LOG_LEVEL: 'debug' } });

function queriesLogged(logs: readonly string[]): string[] {
  return logs
    .map((line) => (JSON.parse(line) as { orm?: unknown }).orm)
    .filter((orm): orm is string => typeof orm === 'string' && orm.startsWith('[query]'));
}

test('50 notes with their owners cost at most 2 SQL queries (one page, one batch of owners)', async () => {
  const alice = await registerBearer(ctx.server.url);
  await sql(
    ctx.db,
    `insert into notes (id, owner_id, title, body, created_at, updated_at)
     select gen_random_uuid(), $1, 'note ' || i, '', now() - i * interval '1 second', now() from generate_series(1, 50) i`,
    [alice.userId],
  );
  const query =
    '{ myNotes(first: 50) { edges { node { id title owner { id email } } } pageInfo { hasNextPage } } }';
  const call = () =>
    gql<{ myNotes: { edges: unknown[] } }>(ctx.server.url, query, {}, { token: alice.accessToken });
  // Warm-up: the caller's session is now in the instance's cache, so authenticating costs nothing.
  await call();
  const before = ctx.server.logs.length;
  const res = await call();
  const statements = queriesLogged(ctx.server.logs.slice(before));
  expect(res.body.data?.myNotes.edges).toHaveLength(50);
  expect(res.body.data?.myNotes.edges[0]).toMatchObject({
    node: { owner: { id: alice.userId, email: alice.email } },
  });
  expect(statements.length).toBeGreaterThan(0);
  expect(statements.length).toBeLessThanOrEqual(2);
});
