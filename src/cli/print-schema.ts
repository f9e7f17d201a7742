import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { composeModules, type GatehouseModule } from '../module.js';
import { buildDeclaredSchema } from '../schema.js';
import { runCli } from './run-cli.js';

/** `schema.graphql`: printed from the code with every applied directive (and the entry point's modules). */
export async function printDeclaredSchema(modules: readonly GatehouseModule[] = []): Promise<string> {
  const schema = await buildDeclaredSchema(composeModules(modules).resolvers);
  return `${printSchemaWithDirectives(schema)}\n`;
}

/** Prints the schema, or with `--check FILE` fails when FILE differs; an entry point with modules passes them. */
export async function schemaCli(
  args: readonly string[],
  modules: readonly GatehouseModule[] = [],
): Promise<number> {
  const printed = await printDeclaredSchema(modules);
  if (args[0] === '--check') {
    const file = args[1] ?? 'schema.graphql';
    if (readFileSync(file, 'utf8') !== printed) {
      console.error(
        `${file} differs from the schema in the code: run \`npm run schema\` and commit the result.`,
      );
      return 1;
    }
    return 0;
  }
  process.stdout.write(printed);
  return 0;
}

if (require.main === module) runCli((args) => schemaCli(args));
