import 'reflect-metadata';
import { accessReport, formatAccessTable } from '../authz/report.js';
import { loadConfig } from '../config.js';
import { composeModules, type GatehouseModule } from '../module.js';
import { buildDeclaredSchema } from '../schema.js';
import { runCli } from './run-cli.js';

/**
 * `npm run authz:report [-- --json]`: who may reach each field of the schema the server builds. An entry point
 * with modules (examples/notes/cli.ts) passes them, and their fields are reported with their rules.
 */
export async function authzReportCli(
  args: readonly string[],
  modules: readonly GatehouseModule[] = [],
): Promise<number> {
  const unknown = args.filter((a) => a !== '--json');
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown[0]}; usage: authz:report [--json]`);
    return 2;
  }
  // The settings that add conditions (REQUIRE_MFA_FOR_ROLES) are this environment's, as the server's would be.
  const { requireMfaForRoles } = loadConfig(process.env).factors;
  const schema = await buildDeclaredSchema(composeModules(modules).resolvers);
  const report = accessReport(schema, { requireMfaForRoles });
  process.stdout.write(
    args.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : formatAccessTable(report),
  );
  return 0;
}

if (require.main === module) runCli((args) => authzReportCli(args));
