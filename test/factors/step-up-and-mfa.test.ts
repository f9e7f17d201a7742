import { Query, Resolver } from 'type-graphql';
import { Auth } from '../../src/authz/decorators.js';
import { Role } from '../../src/authz/role.js';
import type { GatehouseModule } from '../../src/module.js';
import { errorCode, errorReason, gql } from '../support/client.js';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { makeAdmin, PASSWORD, registerBearer } from '../support/users.js';
import { COMPLETE, enrolTotp, nextCode, passwordStep, type CompleteData } from './factor-helpers.js';

// `@auth(mfa: true)` (FORBIDDEN, MFA_REQUIRED), REQUIRE_MFA_FOR_ROLES=ADMIN, and reauthenticate renewing what
// `@auth(fresh:)` checks on every instance at once. A module stands in for an API with such fields.
@Resolver()
class ProbeResolver {
  @Auth({ mfa: true })
  @Query(() => String, { nullable: true })
  mfaOnly(): string {
    return 'two factors';
  }

  @Auth({ requires: [Role.ADMIN] })
  @Query(() => String, { nullable: true })
  adminOnly(): string {
    return 'admin';
  }

  @Auth({ fresh: 60 })
  @Query(() => String, { nullable: true })
  freshOnly(): string {
    return 'fresh';
  }
}

const probe: GatehouseModule = { name: 'probe', resolvers: [ProbeResolver], entities: [], migrations: [] };
const env = {
  REQUIRE_MFA_FOR_ROLES: 'ADMIN',
  RATE_LIMIT_LOGIN_FAILURES: '1000',
  RATE_LIMIT_ACCOUNT_FAILURES: '1000',
};

let db: TestDatabase;
let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  db = await createTestDatabase();
  a = await startServer(db, { env, modules: [probe] });
  b = await startServer(db, { env, modules: [probe] });
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await db?.close();
});

const REAUTH_PASSWORD = 'mutation($p: String) { reauthenticate(password: $p) }';
const REAUTH_TOTP = 'mutation($c: String) { reauthenticate(totp: $c) }';

async function mfaLogin(email: string, secret: string): Promise<string> {
  const step = await passwordStep(a.url, email, PASSWORD, 'BEARER');
  const done = await gql<CompleteData>(a.url, COMPLETE, {
    ch: step.challenge,
    totp: nextCode(secret, a.clock, b.clock),
    t: 'BEARER',
  });
  return done.body.data!.completeLogin!.accessToken!;
}

describe('@auth(mfa: true)', () => {
  it('refuses a password-only session with FORBIDDEN / MFA_REQUIRED, and lets a completeLogin session through', async () => {
    expect.assertions(4);
    const user = await registerBearer(a.url);
    const refused = await gql(a.url, '{ mfaOnly }', {}, { token: user.accessToken });
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(errorReason(refused)).toBe('MFA_REQUIRED');
    const { secret } = await enrolTotp(a.url, { token: user.accessToken }, a.clock, b.clock);
    const token = await mfaLogin(user.email, secret);
    const allowed = await gql<{ mfaOnly: string }>(a.url, '{ mfaOnly }', {}, { token });
    expect(allowed.body.data?.mfaOnly).toBe('two factors');
    // A password step-up does not make a session mfa.
    await gql(a.url, REAUTH_PASSWORD, { p: PASSWORD }, { token: user.accessToken });
    expect(errorReason(await gql(a.url, '{ mfaOnly }', {}, { token: user.accessToken }))).toBe(
      'MFA_REQUIRED',
    );
  });

  it('a TOTP step-up marks a password-only session mfa, on the other instance too', async () => {
    const user = await registerBearer(a.url);
    const { secret } = await enrolTotp(a.url, { token: user.accessToken }, a.clock, b.clock);
    expect(errorReason(await gql(b.url, '{ mfaOnly }', {}, { token: user.accessToken }))).toBe(
      'MFA_REQUIRED',
    );
    const res = await gql(
      a.url,
      REAUTH_TOTP,
      { c: nextCode(secret, a.clock, b.clock) },
      { token: user.accessToken },
    );
    expect(res.body.data).toEqual({ reauthenticate: true });
    const onB = await gql<{ mfaOnly: string }>(b.url, '{ mfaOnly }', {}, { token: user.accessToken });
    expect(onB.body.data?.mfaOnly).toBe('two factors');
  });
});

describe('REQUIRE_MFA_FOR_ROLES=ADMIN', () => {
  it('makes a field that requires ADMIN demand mfa of an ADMIN, and pass once the session has it', async () => {
    expect.assertions(3);
    const admin = await registerBearer(a.url);
    await makeAdmin(db, admin.userId);
    const refused = await gql(a.url, '{ adminOnly }', {}, { token: admin.accessToken });
    expect(errorReason(refused)).toBe('MFA_REQUIRED');
    const { secret } = await enrolTotp(a.url, { token: admin.accessToken }, a.clock, b.clock);
    const token = await mfaLogin(admin.email, secret);
    const allowed = await gql<{ adminOnly: string }>(a.url, '{ adminOnly }', {}, { token });
    expect(allowed.body.data?.adminOnly).toBe('admin');
    // A field open to any user is not affected.
    const me = await gql<{ me: { id: string } }>(a.url, '{ me { id } }', {}, { token: admin.accessToken });
    expect(me.body.data?.me.id).toBe(admin.userId);
  });
});

describe('reauthenticate', () => {
  it('makes a `fresh` field pass again, on the other instance at once, and is audited', async () => {
    expect.assertions(4);
    const user = await registerBearer(a.url);
    a.clock.advance(61);
    b.clock.advance(61);
    const stale = await gql(b.url, '{ freshOnly }', {}, { token: user.accessToken }); // B caches the session
    expect(errorCode(stale)).toBe('REAUTHENTICATION_REQUIRED');
    const res = await gql(a.url, REAUTH_PASSWORD, { p: PASSWORD }, { token: user.accessToken });
    expect(res.body.data).toEqual({ reauthenticate: true });
    const onB = await gql<{ freshOnly: string }>(b.url, '{ freshOnly }', {}, { token: user.accessToken });
    expect(onB.body.data?.freshOnly).toBe('fresh');
    const audited = await sql<{ details: { factor: string } }>(
      db,
      "select details from audit_events where type = 'REAUTHENTICATED' and user_id = $1",
      [user.userId],
    );
    expect(audited.map((r) => r.details.factor)).toEqual(['PASSWORD']);
  });

  it('refuses a wrong password (counted and audited), and zero or two proofs', async () => {
    expect.assertions(3);
    const user = await registerBearer(a.url);
    const wrong = await gql(a.url, REAUTH_PASSWORD, { p: 'not the password' }, { token: user.accessToken });
    expect(errorReason(wrong)).toBe('INVALID_CREDENTIALS');
    const none = await gql(a.url, 'mutation { reauthenticate }', {}, { token: user.accessToken });
    expect(errorCode(none)).toBe('BAD_USER_INPUT');
    const two = await gql(
      a.url,
      'mutation { reauthenticate(password: "x", totp: "123456") }',
      {},
      { token: user.accessToken },
    );
    expect(errorCode(two)).toBe('BAD_USER_INPUT');
  });
});

describe('resetFactors', () => {
  const RESET = 'mutation($u: ID!) { resetFactors(userId: $u) }';

  it('an ADMIN (mfa, fresh) removes a user’s TOTP and recovery codes; the password alone logs in again; audited', async () => {
    expect.assertions(5);
    const user = await registerBearer(a.url);
    await enrolTotp(a.url, { token: user.accessToken }, a.clock, b.clock);
    const admin = await registerBearer(a.url);
    await makeAdmin(db, admin.userId);
    const { secret } = await enrolTotp(a.url, { token: admin.accessToken }, a.clock, b.clock);
    const notAdmin = await gql(a.url, RESET, { u: admin.userId }, { token: user.accessToken });
    expect(errorCode(notAdmin)).toBe('FORBIDDEN');
    const adminToken = await mfaLogin(admin.email, secret);
    const res = await gql(a.url, RESET, { u: user.userId }, { token: adminToken });
    expect(res.body.data).toEqual({ resetFactors: true });
    const login = await gql(
      a.url,
      `mutation { login(email: "${user.email}", password: "${PASSWORD}", transport: BEARER) { accessToken } }`,
    );
    expect(login.body.errors).toBeUndefined();
    const rows = await sql<{ n: number }>(
      db,
      'select (select count(*) from totp_factors where user_id = $1)::int + (select count(*) from recovery_codes where user_id = $1)::int as n',
      [user.userId],
    );
    expect(rows[0]!.n).toBe(0);
    const audited = await sql<{ details: { by: string } }>(
      db,
      "select details from audit_events where type = 'FACTORS_RESET' and user_id = $1",
      [user.userId],
    );
    expect(audited.map((r) => r.details.by)).toEqual([admin.userId]);
  });
});
