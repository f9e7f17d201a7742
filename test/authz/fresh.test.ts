import { gql } from '../support/client.js';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { loginBearer, type BearerLogin } from '../support/users.js';
import {
  createPrincipal,
  expectData,
  LENIENT_LIMITS,
  signIn,
  type Caller,
  type Principal,
} from './callers.js';

/*
 * setUserRoles is `@auth(requires: [ADMIN], fresh: 900)`: the ADMIN must have proved their password within the
 * last 15 minutes. The server's clock is moved by hand; a refresh renews tokens but never the proof.
 */

let db: TestDatabase;
let server: TestServer;
let admin: Principal;
let target: Principal;

const SET_ROLES =
  'mutation($id: ID!, $roles: [Role!]!) { setUserRoles(userId: $id, roles: $roles) { id roles } }';
const REFRESH = 'mutation($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken } }';

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer(db, { env: LENIENT_LIMITS });
  admin = await createPrincipal(server.url, db, true);
  target = await createPrincipal(server.url, db);
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

const targetRoles = async () =>
  (await sql<{ roles: string[] }>(db, 'select roles from users where id = $1', [target.userId]))[0]!.roles;
const rolesChangedRows = async () =>
  Number(
    (
      await sql<{ n: string }>(
        db,
        `select count(*) as n from audit_events where type = 'ROLES_CHANGED' and user_id = $1`,
        [target.userId],
      )
    )[0]!.n,
  );

/** Asserts REAUTHENTICATION_REQUIRED with maxAge 900, and that nothing was changed. */
async function expectNotFresh(call: () => Promise<Awaited<ReturnType<typeof gql>>>): Promise<void> {
  const rolesBefore = await targetRoles();
  const eventsBefore = await rolesChangedRows();
  const res = await call();
  expect(res.status).toBe(200);
  expect(res.body.errors?.map((e) => ({ path: e.path, extensions: e.extensions }))).toEqual([
    {
      path: ['setUserRoles'],
      extensions: expect.objectContaining({ code: 'REAUTHENTICATION_REQUIRED', maxAge: 900 }),
    },
  ]);
  expect(res.body.data).toEqual({ setUserRoles: null });
  expect(await targetRoles()).toEqual(rolesBefore);
  expect(await rolesChangedRows()).toBe(eventsBefore);
}

/** Sets the target's roles and checks that it took. */
async function expectSetRoles(caller: Caller, roles: string[]): Promise<void> {
  const data = expectData(await caller.call(SET_ROLES, { id: target.userId, roles }));
  expect(data).toEqual({ setUserRoles: { id: target.userId, roles } });
  expect(await targetRoles()).toEqual(roles);
}

describe('fresh: 900 on setUserRoles', () => {
  it.each(['COOKIE', 'BEARER'] as const)(
    '%s ADMIN: works after login, still at 895 s, refused past 900 s, works again after a new login',
    async (transport) => {
      const caller = await signIn(server.url, admin, transport);
      await expectSetRoles(caller, ['USER', 'ADMIN']);

      // The test clock runs on real time: 5 s below the bound leave a loaded machine some slack.
      server.clock.advance(895);
      await expectSetRoles(caller, ['USER']);

      server.clock.advance(6);
      // Other ADMIN fields do not ask for freshness.
      expectData(await caller.call('{ users { id } }'));
      await expectNotFresh(() => caller.call(SET_ROLES, { id: target.userId, roles: ['USER', 'ADMIN'] }));

      const again = await signIn(server.url, admin, transport);
      await expectSetRoles(again, ['USER', 'ADMIN']);
      await expectSetRoles(again, ['USER']);
      // The old session stays stale: freshness belongs to a session's own login.
      await expectNotFresh(() => caller.call(SET_ROLES, { id: target.userId, roles: ['ADMIN'] }));
    },
  );

  it('a refresh renews the tokens but not the freshness', async () => {
    const login: BearerLogin = await loginBearer(server.url, admin.email);
    const authTime = async () =>
      (
        await sql<{ auth_time: Date }>(db, 'select auth_time from sessions where id = $1', [login.sessionId])
      )[0]!.auth_time;
    const loggedInAt = await authTime();
    const fresh = await gql(
      server.url,
      SET_ROLES,
      { id: target.userId, roles: ['USER'] },
      { token: login.accessToken },
    );
    expect(fresh.body.errors).toBeUndefined();

    server.clock.advance(901);
    const refreshed = await gql<{ refresh: { accessToken: string; refreshToken: string } }>(
      server.url,
      REFRESH,
      {
        t: login.refreshToken,
      },
    );
    const pair = expectData(refreshed).refresh;
    expect(pair.accessToken).not.toBe(login.accessToken);
    expect(await authTime()).toEqual(loggedInAt);
    await expectNotFresh(() =>
      gql(
        server.url,
        SET_ROLES,
        { id: target.userId, roles: ['USER', 'ADMIN'] },
        { token: pair.accessToken },
      ),
    );

    // A second rotation later on changes nothing either.
    server.clock.advance(60);
    const again = expectData(
      await gql<{ refresh: { accessToken: string } }>(server.url, REFRESH, { t: pair.refreshToken }),
    ).refresh;
    await expectNotFresh(() =>
      gql(
        server.url,
        SET_ROLES,
        { id: target.userId, roles: ['USER', 'ADMIN'] },
        { token: again.accessToken },
      ),
    );

    const relogin = await loginBearer(server.url, admin.email);
    const ok = await gql(
      server.url,
      SET_ROLES,
      { id: target.userId, roles: ['USER'] },
      { token: relogin.accessToken },
    );
    expect(ok.body).toEqual({ data: { setUserRoles: { id: target.userId, roles: ['USER'] } } });
  });

  it('a USER is told MISSING_ROLE, not to log in again', async () => {
    const user = await signIn(server.url, target, 'COOKIE');
    server.clock.advance(10_000);
    const res = await user.call(SET_ROLES, { id: target.userId, roles: ['ADMIN'] });
    expect(res.body.errors?.map((e) => e.extensions)).toEqual([
      expect.objectContaining({ code: 'FORBIDDEN', reason: 'MISSING_ROLE' }),
    ]);
  });
});
