import { Query, Resolver } from 'type-graphql';
import { notesModule } from '../../examples/notes/module.js';
import type { GatehouseModule } from '../../src/module.js';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.js';
import { startServer } from '../support/server.js';

@Resolver()
class ForgottenResolver {
  /** No @Auth, no @Public: default deny must refuse to serve it. */
  @Query(() => String, { nullable: true })
  forgotten(): string {
    return 'leaked';
  }
}

const forgetful: GatehouseModule = {
  name: 'forgetful',
  resolvers: [ForgottenResolver],
  entities: [],
  migrations: [],
};

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.close();
});

test('a module with an unguarded root field stops the server at start, naming the field', async () => {
  await expect(startServer(db, { modules: [forgetful] })).rejects.toThrow(/Default deny.*Query\.forgotten/);
});

test("a module's migrations run after Gatehouse's, named after the module, and a restart applies none", async () => {
  const first = await startServer(db, { modules: [notesModule] });
  await first.stop();
  const names = (await sql<{ name: string }>(db, 'select name from mikro_orm_migrations order by id')).map(
    (r) => r.name,
  );
  expect(names.at(-1)).toBe('notes_Migration20261210000000');
  expect(names.slice(0, -1).every((name) => !name.startsWith('notes_'))).toBe(true);

  const second = await startServer(db, { modules: [notesModule] });
  try {
    expect(second.logs.filter((line) => line.includes('migrations applied'))).toEqual([]);
    expect(await second.app.db.migrate()).toEqual([]);
    expect(await sql(db, 'select count(*)::int as n from notes')).toEqual([{ n: 0 }]);
  } finally {
    await second.stop();
  }
});

test('the module entities match its migrations (no schema difference left to migrate)', async () => {
  const server = await startServer(db, { modules: [notesModule] });
  try {
    const diff = await server.app.db.orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(diff.split('\n').filter((line) => line.includes('notes'))).toEqual([]);
  } finally {
    await server.stop();
  }
});
