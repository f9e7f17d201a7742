import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printDeclaredSchema } from '../../../src/cli/print-schema.js';
import { notesModule } from '../module.js';

test('examples/notes/schema.graphql is the schema of Gatehouse with the notes module (no drift)', async () => {
  const committed = readFileSync(join(__dirname, '..', 'schema.graphql'), 'utf8');
  expect(await printDeclaredSchema([notesModule])).toBe(committed);
});

test('the access report of this entry point shows the module fields with their rules', async () => {
  const { accessReport } = await import('../../../src/authz/report.js');
  const { buildDeclaredSchema } = await import('../../../src/schema.js');
  const report = accessReport(await buildDeclaredSchema(notesModule.resolvers));
  const row = (coordinate: string) => report.find((r) => r.coordinate === coordinate);
  expect(row('Query.notesOf')?.conditions).toMatchObject([{ who: 'roles', requires: ['ADMIN'] }]);
  expect(row('Mutation.createNote')?.conditions).toMatchObject([{ who: 'any user', verified: true }]);
  expect(row('Note.title')?.conditions).toMatchObject([
    { who: 'roles or owner', requires: ['ADMIN'], owner: 'ownerId', declaredOn: 'type' },
  ]);
});
