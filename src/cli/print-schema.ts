import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildDeclaredSchema } from '../schema.js';
import { runCli } from './run-cli.js';

/** `schema.graphql`: printed from the code with every applied directive. */
export async function printDeclaredSchema(): Promise<string> {
  return `${printSchemaWithDirectives(await buildDeclaredSchema())}\n`;
}

async function cli(args: string[]): Promise<number> {
  const printed = await printDeclaredSchema();
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

if (require.main === module) runCli(cli);
