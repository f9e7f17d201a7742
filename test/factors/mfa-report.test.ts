import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { accessReport, formatAccessTable, type FieldAccess } from '../../src/authz/report.js';
import { Role } from '../../src/authz/role.js';
import { buildDeclaredSchema } from '../../src/schema.js';

// The policy report shows `mfa`: REQUIRE_MFA_FOR_ROLES is applied where policies are read, so the report, its
// table and `npm run authz:report -- --json` say what the server enforces.
const run = promisify(execFile);
const REPORT_CLI = join(__dirname, '..', '..', 'dist', 'cli', 'authz-report.js');

let plain: FieldAccess[];
let withAdminMfa: FieldAccess[];
const mfaOf = (report: FieldAccess[], coordinate: string) =>
  report.find((r) => r.coordinate === coordinate)!.conditions.map((c) => c.mfa);

beforeAll(async () => {
  const schema = await buildDeclaredSchema();
  plain = accessReport(schema);
  withAdminMfa = accessReport(schema, { requireMfaForRoles: [Role.ADMIN] });
});

describe('mfa in the policy report', () => {
  it('without REQUIRE_MFA_FOR_ROLES, no field of the schema demands mfa', () => {
    expect(plain.flatMap((r) => r.conditions).filter((c) => c.mfa !== null)).toEqual([]);
  });

  it('with REQUIRE_MFA_FOR_ROLES=ADMIN: ADMIN fields demand it; with an owner, only of those let in by the role', () => {
    expect(mfaOf(withAdminMfa, 'Query.users')).toEqual([true]);
    expect(mfaOf(withAdminMfa, 'Mutation.resetFactors')).toEqual([true]);
    expect(mfaOf(withAdminMfa, 'Session.ip')).toEqual(['roles']);
    expect(mfaOf(withAdminMfa, 'Query.mySessions')).toEqual([null]);
    expect(mfaOf(withAdminMfa, 'Mutation.reauthenticate')).toEqual([null]);
  });

  it('shows it in the table: "yes" and "by role"', () => {
    const table = formatAccessTable(withAdminMfa);
    expect(table).toMatch(/^Query\.users\s+roles\s+ADMIN\s+-\s+-\s+-\s+-\s+yes\s+field$/m);
    expect(table).toMatch(
      /^Session\.ip\s+roles or owner\s+ADMIN\s+userId\s+-\s+-\s+-\s+by role\s+type Session$/m,
    );
  });

  it('`authz:report --json` applies REQUIRE_MFA_FOR_ROLES from the environment', async () => {
    const { stdout } = await run(process.execPath, [REPORT_CLI, '--json'], {
      env: { ...process.env, REQUIRE_MFA_FOR_ROLES: 'ADMIN' },
    });
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(withAdminMfa)));
  });
});
