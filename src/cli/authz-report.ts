import 'reflect-metadata';
import { accessReport, formatAccessTable } from '../authz/report.js';
import { buildDeclaredSchema } from '../schema.js';
import { runCli } from './run-cli.js';

/** `npm run authz:report [-- --json]`: who may reach each field of the schema the server builds. */
async function cli(args: readonly string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--json');
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown[0]}; usage: authz:report [--json]`);
    return 2;
  }
  const report = accessReport(await buildDeclaredSchema());
  process.stdout.write(
    args.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : formatAccessTable(report),
  );
  return 0;
}

if (require.main === module) runCli(cli);
