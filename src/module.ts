import type { EntityClass, MigrationObject } from '@mikro-orm/core';
import type { AuditLog } from './audit/audit-log.js';
import type { Clock } from './clock.js';
import type { LivePublisher } from './realtime/live-channel.js';

/** The long-lived collaborators Gatehouse hands every module resolver (per-request ones come in the context). */
export interface ModuleDeps {
  readonly clock: Clock;
  readonly audit: AuditLog;
  /** Publishes a module's subscription events in its transaction, to every instance (absent: no live server). */
  readonly live?: LivePublisher;
}

/**
 * A module resolver: a type-graphql resolver class built once by the composition root with the module
 * collaborators. Its per-request state (a DataLoader) lives in the request, never on the class.
 */
export type ModuleResolverClass = new (deps: ModuleDeps) => object;

/** Your own API on Gatehouse (DESIGN §6.5), handed to `createApp(config, { modules })`. */
export interface GatehouseModule {
  /** Prefixes the module's migration names: a letter, then letters, digits or `_`. */
  readonly name: string;
  /** Built by the same container as Gatehouse's resolvers; their root fields obey @Auth/@Public and default deny. */
  readonly resolvers: readonly ModuleResolverClass[];
  /** Join Gatehouse's ORM (same EntityManager fork per request). */
  readonly entities: readonly EntityClass<object>[];
  /** Oldest first; run after Gatehouse's, tracked under `<name>_<migration name>` so none runs twice. */
  readonly migrations: readonly MigrationObject[];
}

/** Refuses modules that could not be told apart: bad or repeated names, repeated migration names. */
export function checkModules(modules: readonly GatehouseModule[]): void {
  const seen = new Set<string>();
  for (const module of modules) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(module.name)) {
      throw new Error(`Module name "${module.name}" must be a letter, then letters, digits or _`);
    }
    if (seen.has(module.name)) throw new Error(`Two modules are named "${module.name}"`);
    seen.add(module.name);
    const names = module.migrations.map((m) => m.name);
    const repeated = names.find((name, i) => names.indexOf(name) !== i);
    if (repeated) throw new Error(`Module ${module.name} lists migration ${repeated} twice`);
  }
}

/** Every module's entities, in module order. */
export function moduleEntities(modules: readonly GatehouseModule[]): EntityClass<object>[] {
  return modules.flatMap((m) => m.entities);
}

/**
 * Every module's migrations, module by module, each in its own order, named `<module>_<migration>`: the name is
 * what the migrations table tracks, so two modules (or a module and Gatehouse) never claim one another's row.
 */
export function moduleMigrations(modules: readonly GatehouseModule[]): MigrationObject[] {
  return modules.flatMap((m) =>
    m.migrations.map((migration) => ({ name: `${m.name}_${migration.name}`, class: migration.class })),
  );
}

/** Every module's resolver classes (for building, printing and reporting the schema). */
export function moduleResolverClasses(modules: readonly GatehouseModule[]): ModuleResolverClass[] {
  return modules.flatMap((m) => m.resolvers);
}

/** What the composition root takes from the modules, after checking them. */
export interface ComposedModules {
  readonly list: readonly GatehouseModule[];
  /** For openDatabase: Gatehouse's entities and the modules', and the modules' migrations. */
  readonly database: { entities: EntityClass<object>[]; migrations: MigrationObject[] };
  readonly resolvers: ModuleResolverClass[];
}

/** Checks the modules and gathers their entities (after Gatehouse's own), migrations and resolver classes. */
export function composeModules(
  modules: readonly GatehouseModule[] = [],
  baseEntities: readonly EntityClass<object>[] = [],
): ComposedModules {
  checkModules(modules);
  return {
    list: modules,
    database: {
      entities: [...baseEntities, ...moduleEntities(modules)],
      migrations: moduleMigrations(modules),
    },
    resolvers: moduleResolverClasses(modules),
  };
}
