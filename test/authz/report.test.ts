import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isObjectType, type GraphQLObjectType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ObjectType, Query, Resolver, buildSchema } from 'type-graphql';
import { Auth, Public } from '../../src/authz/decorators.js';
import { withAuthDirectives } from '../../src/authz/directives.js';
import { accessReport, formatAccessTable, type FieldAccess } from '../../src/authz/report.js';
import { createPubSub } from '../../src/realtime/pub-sub.js';
import { buildDeclaredSchema, resolvers } from '../../src/schema.js';
import { Transport } from '../../src/authz/transport.js';
import { Role } from '../../src/authz/role.js';

const run = promisify(execFile);
const REPORT_CLI = join(__dirname, '..', '..', 'dist', 'cli', 'authz-report.js');

@ObjectType('Locker')
@Auth({ requires: [Role.ADMIN], owner: 'ownerId' })
class Locker {
  @Field(() => String)
  label!: string;

  @Auth({ fresh: 300, via: [Transport.COOKIE] })
  @Field(() => String)
  combination!: string;
}

@Resolver()
class LockerResolver {
  @Public()
  @Query(() => Locker)
  locker(): Locker {
    return { label: 'l', combination: 'c' };
  }

  @Auth({ requires: [], owner: 'id', via: [Transport.BEARER, Transport.COOKIE] })
  @Query(() => String)
  ownerOnly(): string {
    return 'x';
  }

  @Query(() => String)
  undecided(): string {
    return 'x';
  }
}

let report: FieldAccess[];
const row = (coordinate: string) => report.find((r) => r.coordinate === coordinate);

beforeAll(async () => {
  report = accessReport(await buildDeclaredSchema());
});

describe('accessReport on the real schema', () => {
  it('lists every object field once, roots first', async () => {
    const schema = await buildDeclaredSchema();
    const objectFields = Object.values(schema.getTypeMap())
      .filter((t) => isObjectType(t) && !t.name.startsWith('__'))
      .flatMap((t) => Object.keys((t as GraphQLObjectType).getFields()).map((f) => `${t.name}.${f}`));
    expect(report.map((r) => r.coordinate).sort()).toEqual(objectFields.sort());
    expect(report[0]!.type).toBe('Query');
    const lastRoot = report.map((r) => r.root).lastIndexOf(true);
    expect(report.slice(0, lastRoot + 1).every((r) => r.root)).toBe(true);
  });

  it('decides every root field (public or protected), never "inherits parent"', () => {
    const roots = report.filter((r) => r.root);
    expect(roots.length).toBeGreaterThan(10);
    expect(roots.filter((r) => r.access !== 'public' && r.access !== 'protected')).toEqual([]);
    expect(
      roots
        .filter((r) => r.access === 'public')
        .map((r) => r.coordinate)
        .sort(),
    ).toEqual([
      'Mutation.completeLogin',
      'Mutation.confirmEmailChange',
      'Mutation.login',
      'Mutation.loginWithPasskey',
      'Mutation.passkeyLoginOptions',
      'Mutation.refresh',
      'Mutation.register',
      'Mutation.requestPasswordReset',
      'Mutation.resetPassword',
      'Mutation.verifyEmail',
      'Query.me',
    ]);
  });

  it.each([
    [
      'Query.mySessions',
      { who: 'any user', requires: [], owner: null, fresh: null, via: null, declaredOn: 'field' },
    ],
    [
      'Query.users',
      { who: 'roles', requires: ['ADMIN'], owner: null, fresh: null, via: null, declaredOn: 'field' },
    ],
    [
      'Mutation.setUserRoles',
      { who: 'roles', requires: ['ADMIN'], owner: null, fresh: 900, via: null, declaredOn: 'field' },
    ],
    [
      'User.email',
      {
        who: 'roles or owner',
        requires: ['ADMIN'],
        owner: 'id',
        fresh: null,
        via: null,
        declaredOn: 'field',
      },
    ],
    [
      'Session.ip',
      {
        who: 'roles or owner',
        requires: ['ADMIN'],
        owner: 'userId',
        fresh: null,
        via: null,
        declaredOn: 'type',
      },
    ],
    [
      'Session.current',
      {
        who: 'roles or owner',
        requires: ['ADMIN'],
        owner: 'userId',
        fresh: null,
        via: null,
        declaredOn: 'type',
      },
    ],
  ])('%s is reported with its one condition', (coordinate, condition) => {
    expect(row(coordinate)).toMatchObject({ access: 'protected', conditions: [condition] });
  });

  it.each(['User.id', 'User.roles', 'AuthPayload.accessToken', 'AuditEvent.details'])(
    '%s has no policy of its own: inherits parent',
    (coordinate) => {
      expect(row(coordinate)).toMatchObject({ access: 'inherits parent', conditions: [] });
    },
  );
});

describe('accessReport on test-only declarations', () => {
  it('shows type + field conditions (all must hold), owner-only, via and fresh', async () => {
    // Built like buildDeclaredSchema, minus its default-deny check, so that `undecided` can be shown.
    const withLocker = withAuthDirectives(
      await buildSchema({
        resolvers: [...resolvers, LockerResolver] as never,
        scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
        validate: false,
        pubSub: createPubSub(),
      }),
    );
    const lockerReport = accessReport(withLocker);
    const find = (c: string) => lockerReport.find((r) => r.coordinate === c);
    expect(find('Locker.label')).toMatchObject({
      access: 'protected',
      conditions: [{ who: 'roles or owner', owner: 'ownerId', declaredOn: 'type' }],
    });
    expect(find('Locker.combination')).toMatchObject({
      access: 'protected',
      conditions: [
        { who: 'roles or owner', declaredOn: 'type' },
        { who: 'any user', fresh: 300, via: ['COOKIE'], declaredOn: 'field' },
      ],
    });
    expect(find('Query.ownerOnly')).toMatchObject({
      conditions: [{ who: 'owner only', owner: 'id', via: ['BEARER', 'COOKIE'] }],
    });
    expect(find('Query.undecided')).toMatchObject({ access: 'undecided', conditions: [] });

    const table = formatAccessTable(lockerReport);
    expect(table).toMatch(
      /^Locker\.combination\s+roles or owner\s+ADMIN\s+ownerId\s+-\s+-\s+-\s+-\s+type Locker$/m,
    );
    expect(table).toMatch(/^\s+and any user\s+-\s+-\s+300s\s+COOKIE\s+-\s+-\s+field$/m);
    expect(table).toMatch(/^Query\.undecided\s+UNDECIDED/m);
    expect(table).toMatch(/1 UNDECIDED/);
  });
});

describe('formatAccessTable', () => {
  let table: string;
  beforeAll(() => {
    table = formatAccessTable(report);
  });

  it('is an aligned table: every column starts at the same place on every line', () => {
    const lines = table.split('\n');
    const header = lines[0]!;
    expect(header).toMatch(/^FIELD\s+WHO\s+ROLES\s+OWNER\s+FRESH\s+VIA\s+VERIFIED\s+MFA\s+DECLARED ON$/);
    const starts = ['WHO', 'ROLES', 'OWNER', 'FRESH', 'VIA', 'VERIFIED', 'MFA', 'DECLARED ON'].map((h) =>
      header.indexOf(h),
    );
    const rows = lines.slice(1).filter((l) => /^[A-Z]\w*\.\w+\s/.test(l));
    expect(rows).toHaveLength(report.length);
    for (const line of rows) {
      for (const start of starts) {
        expect(line[start - 1]).toBe(' ');
        expect(line[start]).toMatch(/\S/);
      }
    }
  });

  it('reads as the policy: one line per field, with who, roles, owner, freshness and where it is declared', () => {
    expect(table).toMatch(/^Query\.me\s+public\s/m);
    expect(table).toMatch(/^Query\.mySessions\s+any user\s+-\s+-\s+-\s+-\s+-\s+-\s+field$/m);
    expect(table).toMatch(/^Mutation\.setUserRoles\s+roles\s+ADMIN\s+-\s+900s\s+-\s+-\s+-\s+field$/m);
    expect(table).toMatch(/^User\.email\s+roles or owner\s+ADMIN\s+id\s+-\s+-\s+-\s+-\s+field$/m);
    expect(table).toMatch(
      /^Session\.userAgent\s+roles or owner\s+ADMIN\s+userId\s+-\s+-\s+-\s+-\s+type Session$/m,
    );
    expect(table).toMatch(/^User\.id\s+inherits parent\s/m);
    expect(table).toMatch(/^\d+ fields: 11 public, \d+ protected, \d+ inherit their parent\.$/m);
  });
});

describe('the authz:report command (built output)', () => {
  it('prints the table', async () => {
    const { stdout } = await run(process.execPath, [REPORT_CLI]);
    expect(stdout).toBe(formatAccessTable(report));
  });

  it('--json prints the same report, machine-readable', async () => {
    const { stdout } = await run(process.execPath, [REPORT_CLI, '--json']);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('refuses an unknown argument with exit code 2', async () => {
    await expect(run(process.execPath, [REPORT_CLI, '--yaml'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage: authz:report [--json]'),
    });
  });
});
