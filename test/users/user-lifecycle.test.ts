import { CookieJar, gql, type GqlResponse } from '../support/client.js';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { loginBearer, loginCookie, PASSWORD, type BearerLogin } from '../support/users.js';
import {
  createPrincipal,
  expectData,
  expectDenied,
  LENIENT_LIMITS,
  MISSING_ROLE,
  signIn,
  type Caller,
  type Principal,
} from '../authz/callers.js';

/*
 * The operator's supported way to stop an account: disableUser / enableUser / deleteUser (ADMIN, fresh login).
 * Two instances on one database: the user's sessions live on B, the ADMIN acts through A, and B must refuse them
 * on the very next request, on both transports. This file has one enabled ADMIN unless a test says otherwise.
 */

let db: TestDatabase;
let a: TestServer;
let b: TestServer;
let admin: Principal;
let adminOnA: Caller;

const ME = '{ me { id disabled } }';
const LOGIN =
  'mutation($e: String!, $p: String!) { login(email: $e, password: $p, transport: BEARER) { accessToken } }';
const REFRESH = 'mutation($t: String!) { refresh(refreshToken: $t) { accessToken } }';
const DISABLE = 'mutation($id: ID!) { disableUser(userId: $id) { id disabled } }';
const ENABLE = 'mutation($id: ID!) { enableUser(userId: $id) { id disabled } }';
const DELETE = 'mutation($id: ID!) { deleteUser(userId: $id) }';

beforeAll(async () => {
  db = await createTestDatabase();
  a = await startServer(db, { env: LENIENT_LIMITS });
  b = await startServer(db, { env: LENIENT_LIMITS });
  admin = await createPrincipal(a.url, db, true);
  adminOnA = await signIn(a.url, admin, 'BEARER');
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await db?.close();
});

interface UserOnB {
  readonly principal: Principal;
  readonly bearer: BearerLogin;
  readonly jar: CookieJar;
}

/** A user with a bearer and a cookie session on B, both cached there by one request each. */
async function userOnB(): Promise<UserOnB> {
  const principal = await createPrincipal(b.url, db);
  const bearer = await loginBearer(b.url, principal.email);
  const { jar } = await loginCookie(b.url, principal.email);
  const mine = { me: { id: principal.userId, disabled: false } };
  expect(expectData(await gql(b.url, ME, {}, { token: bearer.accessToken }))).toEqual(mine);
  expect(expectData(await gql(b.url, ME, {}, { jar }))).toEqual(mine);
  return { principal, bearer, jar };
}

/** Both sessions are refused by B on the very next request (no retry). */
async function expectSessionsDeadOnB(user: UserOnB): Promise<void> {
  const [byToken, byCookie] = await Promise.all([
    gql(b.url, ME, {}, { token: user.bearer.accessToken }),
    gql(b.url, ME, {}, { jar: user.jar }),
  ]);
  expect(byToken.status).toBe(401);
  expect(byToken.body.errors?.[0]?.extensions?.reason).toBe('SESSION_REVOKED');
  expect(byCookie.body).toEqual({ data: { me: null } });
}

/** The answer to a login, without what differs per request. */
function loginAnswer(res: GqlResponse<unknown>) {
  return {
    status: res.status,
    data: res.body.data,
    errors: res.body.errors?.map(({ message, extensions }) => ({ message, extensions })),
  };
}

/** A disabled or deleted user's right password is answered exactly like a wrong one. */
async function expectLoginRefused(email: string): Promise<void> {
  const right = await gql(b.url, LOGIN, { e: email, p: PASSWORD });
  const wrong = await gql(b.url, LOGIN, { e: email, p: `${PASSWORD}!` });
  expect(right.body.errors?.[0]?.extensions).toMatchObject({
    code: 'UNAUTHENTICATED',
    reason: 'INVALID_CREDENTIALS',
  });
  expect(loginAnswer(right)).toEqual(loginAnswer(wrong));
}

async function auditRows(type: string, userId: string) {
  return sql<{ session_id: string; details: Record<string, unknown> }>(
    db,
    `select session_id, details from audit_events where type = $1 and user_id = $2`,
    [type, userId],
  );
}

describe('disableUser', () => {
  it('ends every session of the user on every instance at once, and refuses their login and refresh', async () => {
    const user = await userOnB();
    const res = await adminOnA.call(DISABLE, { id: user.principal.userId });
    expect(expectData(res)).toEqual({ disableUser: { id: user.principal.userId, disabled: true } });
    await expectSessionsDeadOnB(user);
    await expectLoginRefused(user.principal.email);
    const refresh = await gql(b.url, REFRESH, { t: user.bearer.refreshToken });
    expect(refresh.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await auditRows('USER_DISABLED', user.principal.userId)).toEqual([
      { session_id: adminOnA.sessionId, details: { by: admin.userId } },
    ]);
    const users = expectData(await adminOnA.call('{ users { id disabled } }')) as {
      users: { id: string; disabled: boolean }[];
    };
    expect(users.users).toContainEqual({ id: user.principal.userId, disabled: true });
  });

  it('enableUser lets them log in again; their old sessions stay dead', async () => {
    const user = await userOnB();
    expectData(await adminOnA.call(DISABLE, { id: user.principal.userId }));
    const res = await adminOnA.call(ENABLE, { id: user.principal.userId });
    expect(expectData(res)).toEqual({ enableUser: { id: user.principal.userId, disabled: false } });
    await expectSessionsDeadOnB(user);
    const again = await loginBearer(b.url, user.principal.email);
    expect(expectData(await gql(b.url, ME, {}, { token: again.accessToken }))).toEqual({
      me: { id: user.principal.userId, disabled: false },
    });
    expect(await auditRows('USER_ENABLED', user.principal.userId)).toHaveLength(1);
  });
});

describe('deleteUser', () => {
  it('deletes the user; every session is refused on every instance at once; login refused', async () => {
    const user = await userOnB();
    expect(expectData(await adminOnA.call(DELETE, { id: user.principal.userId }))).toEqual({
      deleteUser: true,
    });
    await expectSessionsDeadOnB(user);
    await expectLoginRefused(user.principal.email);
    expect(await sql(db, `select id from sessions where user_id = $1`, [user.principal.userId])).toEqual([]);
    expect(await auditRows('USER_DELETED', user.principal.userId)).toEqual([
      { session_id: adminOnA.sessionId, details: { by: admin.userId } },
    ]);
    const again = await adminOnA.call(DELETE, { id: user.principal.userId });
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
  });
});

describe('the last enabled ADMIN', () => {
  it('cannot be disabled or deleted (a disabled ADMIN does not count)', async () => {
    for (const mutation of [DISABLE, DELETE]) {
      const res = await adminOnA.call(mutation, { id: admin.userId });
      expect(res.body.errors?.[0]?.message).toBe('Cannot disable or delete the last ADMIN');
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    const second = await createPrincipal(a.url, db, true);
    expectData(await adminOnA.call(DISABLE, { id: second.userId }));
    const res = await adminOnA.call(DELETE, { id: admin.userId });
    expect(res.body.errors?.[0]?.message).toBe('Cannot disable or delete the last ADMIN');
    expectData(await adminOnA.call(DELETE, { id: second.userId }));
    expect(expectData(await adminOnA.call('{ me { id } }'))).toEqual({ me: { id: admin.userId } });
  });
});

describe('who may call them', () => {
  it('a USER is FORBIDDEN / MISSING_ROLE, and nothing changes', async () => {
    const user = await userOnB();
    const caller: Caller = { call: (q, v) => gql(b.url, q, v, { token: user.bearer.accessToken }) };
    for (const [mutation, field] of [
      [DISABLE, 'disableUser'],
      [ENABLE, 'enableUser'],
      [DELETE, 'deleteUser'],
    ] as const) {
      const res = await caller.call(mutation, { id: admin.userId });
      expectDenied(res, MISSING_ROLE, [field]);
      expect(res.body.data).toEqual({ [field]: null });
    }
    expect(await sql(db, `select disabled_at from users where id = $1`, [admin.userId])).toEqual([
      { disabled_at: null },
    ]);
  });

  // Last: it moves the shared clock past the access tokens' lifetime.
  it('an ADMIN whose login is older than 15 minutes must log in again first', async () => {
    const user = await userOnB();
    const adminByCookie = await signIn(a.url, admin, 'COOKIE');
    a.clock.advance(901);
    for (const [mutation, field] of [
      [DISABLE, 'disableUser'],
      [DELETE, 'deleteUser'],
    ] as const) {
      const res = await adminByCookie.call(mutation, { id: user.principal.userId });
      expect(res.body.data).toEqual({ [field]: null });
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: 'REAUTHENTICATION_REQUIRED',
        maxAge: 900,
      });
    }
  });
});
