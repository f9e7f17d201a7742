import 'reflect-metadata';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { Mutation, Resolver } from 'type-graphql';
import { decide } from '../../../src/authz/decide.js';
import { Auth, Public } from '../../../src/authz/decorators.js';
import { denialError } from '../../../src/authz/denial-error.js';
import { readPolicies } from '../../../src/authz/enforce.js';
import type { AuthPolicy } from '../../../src/authz/policy.js';
import { accessReport, formatAccessTable } from '../../../src/authz/report.js';
import { Role } from '../../../src/authz/role.js';
import { Transport } from '../../../src/authz/transport.js';
import type { Viewer } from '../../../src/authz/viewer.js';
import { buildDeclaredSchema } from '../../../src/schema.js';

// `@auth(verified: true)` (DESIGN §6.1): the caller's address must be verified, else FORBIDDEN EMAIL_NOT_VERIFIED.
const NOW = new Date('2030-01-01T12:00:00Z');
const USER_ID = '11111111-1111-4111-8111-111111111111';

function viewer(emailVerifiedAt: Date | null, roles: Role[] = [Role.USER]): Viewer {
  return {
    userId: USER_ID,
    sessionId: '33333333-3333-4333-8333-333333333333',
    roles,
    transport: Transport.COOKIE,
    authTime: NOW,
    mfa: false,
    user: { id: USER_ID, email: 'a@example.com', roles, createdAt: NOW, emailVerifiedAt },
  };
}
const verified: AuthPolicy = { requires: [], verified: true };

describe('decide with verified: true', () => {
  it('lets a verified caller through', () => {
    expect(decide(verified, viewer(NOW), null, NOW)).toBeNull();
  });

  it('refuses an unverified caller, whatever their roles', () => {
    expect(decide(verified, viewer(null), null, NOW)).toEqual({ kind: 'EMAIL_NOT_VERIFIED' });
    expect(decide({ ...verified, requires: [Role.ADMIN] }, viewer(null, [Role.ADMIN]), null, NOW)).toEqual({
      kind: 'EMAIL_NOT_VERIFIED',
    });
  });

  it('does not apply when the policy does not ask for it', () => {
    expect(decide({ requires: [] }, viewer(null), null, NOW)).toBeNull();
    expect(decide({ requires: [], verified: false }, viewer(null), null, NOW)).toBeNull();
  });

  it('comes after authentication and roles: those denials are what an anonymous or unentitled caller hears', () => {
    expect(decide(verified, null, null, NOW)).toEqual({ kind: 'UNAUTHENTICATED' });
    expect(decide({ ...verified, requires: [Role.ADMIN] }, viewer(null), null, NOW)).toEqual({
      kind: 'MISSING_ROLE',
    });
  });

  it('is answered FORBIDDEN with reason EMAIL_NOT_VERIFIED', () => {
    const error = denialError({ kind: 'EMAIL_NOT_VERIFIED' });
    expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'EMAIL_NOT_VERIFIED' });
  });
});

@Resolver()
class PostingResolver {
  @Auth({ verified: true })
  @Mutation(() => Boolean, { nullable: true })
  post(): boolean {
    return true;
  }

  @Auth({ requires: [Role.ADMIN], verified: true, fresh: 60 })
  @Mutation(() => Boolean, { nullable: true })
  publish(): boolean {
    return true;
  }

  @Public()
  @Mutation(() => Boolean)
  ping(): boolean {
    return true;
  }
}

describe('the verified argument through the schema', () => {
  let schema: Awaited<ReturnType<typeof build>>;
  async function build() {
    return buildDeclaredSchema([PostingResolver]);
  }
  beforeAll(async () => {
    schema = await build();
  });

  it('@Auth({ verified: true }) prints as @auth(verified: true), and the directive declares the argument', () => {
    const sdl = printSchemaWithDirectives(schema);
    expect(sdl).toContain('post: Boolean @auth(verified: true)');
    expect(sdl).toContain('publish: Boolean @auth(requires: [ADMIN], fresh: 60, verified: true)');
    const argument = schema.getDirective('auth')?.args.find((a) => a.name === 'verified');
    expect(String(argument?.type)).toBe('Boolean');
  });

  it('is read into the policy the enforcer applies', () => {
    expect(readPolicies(schema).get('Mutation.post')).toEqual([{ requires: [], verified: true }]);
    expect(readPolicies(schema).get('Mutation.logout')).toEqual([{ requires: [] }]);
  });

  it('shows in the access report: JSON and table', () => {
    const report = accessReport(schema);
    const row = (c: string) => report.find((r) => r.coordinate === c)!;
    expect(row('Mutation.post').conditions).toEqual([
      expect.objectContaining({ who: 'any user', verified: true }),
    ]);
    expect(row('Mutation.logout').conditions).toEqual([expect.objectContaining({ verified: false })]);
    const table = formatAccessTable(report);
    expect(table).toMatch(/^Mutation\.post\s+any user\s+-\s+-\s+-\s+-\s+yes\s+-\s+field$/m);
    expect(table).toMatch(/^Mutation\.publish\s+roles\s+ADMIN\s+-\s+60s\s+-\s+yes\s+-\s+field$/m);
  });
});
