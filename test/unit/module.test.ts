import { composeModules, type GatehouseModule } from '../../src/module.js';

class Up {}
const mod = (name: string, migrations: string[] = []): GatehouseModule => ({
  name,
  resolvers: [],
  entities: [],
  migrations: migrations.map((m) => ({ name: m, class: Up as never })),
});

test('module migrations are prefixed with the module name, module by module, each in its order', () => {
  const { database } = composeModules([mod('notes', ['M2', 'M1']), mod('tasks', ['M1'])]);
  expect(database.migrations.map((m) => m.name)).toEqual(['notes_M2', 'notes_M1', 'tasks_M1']);
});

test('modules that could not be told apart are refused', () => {
  expect(() => composeModules([mod('notes'), mod('notes')])).toThrow('Two modules are named "notes"');
  expect(() => composeModules([mod('my notes')])).toThrow(/Module name "my notes"/);
  expect(() => composeModules([mod('notes', ['M1', 'M1'])])).toThrow('lists migration M1 twice');
});
