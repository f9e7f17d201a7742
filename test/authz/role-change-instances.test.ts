import { gql } from '../support/client.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { loginBearer, loginCookie } from '../support/users.js';
import {
  createPrincipal,
  expectData,
  expectDenied,
  LENIENT_LIMITS,
  MISSING_ROLE,
  signIn,
  type Caller,
  type Principal,
} from './callers.js';

/*
 * Issue 4 item 9: two app instances on one database. A role change made through instance A applies on the
 * user's very next request to instance B, whose session cache held the old roles, on both transports — the
 * access token (whose `roles` claim is now wrong) included.
 *
 * "Next" is meant strictly: PostgreSQL delivers NOTIFY to B's listener asynchronously, so the changing instance
 * waits (bounded) until its own listener has heard its announcement before it answers — by then B has been sent
 * it too. The tests check that B has already evicted the user when A's answer arrives, with no waiting.
 */

let db: TestDatabase;
let a: TestServer;
let b: TestServer;
let adminOnA: Caller;
let user: Principal;
let cookieOnB: Caller;
let bearerOnB: Caller;
let evictions: jest.SpyInstance<void, [string]>;
/** Called after each of B's user evictions (tests await B's listener with it). */
const onEviction = new Set<() => void>();

const READ = '{ me { roles } users { id } }';
const SET_ROLES =
  'mutation($id: ID!, $roles: [Role!]!) { setUserRoles(userId: $id, roles: $roles) { roles } }';

beforeAll(async () => {
  db = await createTestDatabase();
  // On PGlite both instances share the caller-owned database; on PostgreSQL both get the same DATABASE_URL.
  a = await startServer(db, { env: LENIENT_LIMITS });
  b = await startServer(db, { env: LENIENT_LIMITS });
  const admin = await createPrincipal(a.url, db, true);
  adminOnA = await signIn(a.url, admin, 'BEARER');
  user = await createPrincipal(b.url, db);
  const { jar } = await loginCookie(b.url, user.email);
  const { accessToken } = await loginBearer(b.url, user.email);
  cookieOnB = { call: (q, v) => gql(b.url, q, v, { jar }) };
  bearerOnB = { call: (q, v) => gql(b.url, q, v, { token: accessToken }) };
  const evictUser = b.app.cache.evictUser.bind(b.app.cache);
  evictions = jest.spyOn(b.app.cache, 'evictUser').mockImplementation((userId) => {
    evictUser(userId);
    for (const check of [...onEviction]) check();
  });
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await db?.close();
});

/** Both of the user's sessions on B: each is denied `users` as a plain USER. */
async function expectUserOnB(): Promise<void> {
  for (const caller of [cookieOnB, bearerOnB]) {
    const res = await caller.call('{ users { id } }');
    expectDenied(res, MISSING_ROLE, ['users']);
    expect(expectData(await caller.call('{ me { roles } }'))).toEqual({ me: { roles: ['USER'] } });
  }
}

/**
 * Changes the user's roles through A. A answers once its own listener has heard the change; PostgreSQL signals
 * every listener at the same commit, so B hears it at that moment too, but on another connection: the test awaits
 * B's eviction rather than racing the two sockets, then asserts the very next request.
 */
async function setRolesOnA(roles: string[]): Promise<void> {
  const before = evictions.mock.calls.length;
  expect(expectData(await adminOnA.call(SET_ROLES, { id: user.userId, roles }))).toEqual({
    setUserRoles: { roles },
  });
  // The spy sits on B's cache instance only: A's own eviction of its cache does not count.
  const heardOnB = () => evictions.mock.calls.slice(before).some(([id]) => id === user.userId);
  if (!heardOnB()) await evictionOnB(heardOnB);
  expect(heardOnB()).toBe(true);
}

/** Resolves once `heard` holds after one of B's evictions (a listener that never hears it fails the test's timeout). */
function evictionOnB(heard: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!heard()) return;
      onEviction.delete(check);
      resolve();
    };
    onEviction.add(check);
  });
}

describe('a role change through instance A', () => {
  it('B caches the user’s sessions with their current roles (so the rest of this test means something)', async () => {
    const cachedBefore = b.app.cache.size;
    await expectUserOnB();
    expect(b.app.cache.size).toBeGreaterThanOrEqual(Math.max(cachedBefore, 2));
  });

  it('promotion: the very next request to B, by cookie and by the old access token, can read `users`', async () => {
    await setRolesOnA(['USER', 'ADMIN']);
    // No retry: the next request.
    const [byCookie, byToken] = await Promise.all([cookieOnB.call(READ), bearerOnB.call(READ)]);
    for (const res of [byCookie, byToken]) {
      const data = expectData(res) as { me: { roles: string[] }; users: { id: string }[] };
      expect(data.me.roles).toEqual(['USER', 'ADMIN']);
      expect(data.users.map((u) => u.id)).toContain(user.userId);
    }
  });

  it('demotion: the very next request to B, on both transports, is FORBIDDEN / MISSING_ROLE', async () => {
    // B has been serving the promoted state from its cache.
    expectData(await cookieOnB.call(READ));
    expectData(await bearerOnB.call(READ));
    await setRolesOnA(['USER']);
    const [byCookie, byToken] = await Promise.all([
      cookieOnB.call('{ users { id } }'),
      bearerOnB.call('{ users { id } }'),
    ]);
    expectDenied(byCookie, MISSING_ROLE, ['users']);
    expectDenied(byToken, MISSING_ROLE, ['users']);
    await expectUserOnB();
  });

  it('a second round trip behaves the same (the channel keeps delivering)', async () => {
    await setRolesOnA(['USER', 'ADMIN']);
    expectData(await bearerOnB.call('{ users { id } }'));
    expectData(await cookieOnB.call('{ users { id } }'));
    await setRolesOnA(['USER']);
    expectDenied(await bearerOnB.call('{ users { id } }'), MISSING_ROLE, ['users']);
    expectDenied(await cookieOnB.call('{ users { id } }'), MISSING_ROLE, ['users']);
  });
});
