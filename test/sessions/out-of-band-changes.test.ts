import type { Invalidation } from '../../src/sessions/invalidation.js';
import { errorCode, errorReason, gql, type CookieJar } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { loginCookie, registerBearer, type BearerLogin } from '../support/users.js';

/*
 * An operator's change made with SQL, behind the app's back, reaches every instance's session cache: triggers on
 * `sessions` and `users` NOTIFY the invalidation channel. Each test waits for this instance's listener to hear
 * the change (the event, not a sleep), then checks the very next request. Without the triggers, nothing is
 * heard and the cache keeps serving the old state; the TTL then bounds how long (the last test).
 */

const t = useTestServer();

const ME = '{ me { id roles } }';
const REFRESH = 'mutation($t: String!) { refresh(refreshToken: $t) { accessToken } }';

let evicted: jest.SpyInstance<void, [Invalidation]>;
beforeAll(() => {
  evicted = jest.spyOn(t.server.app.invalidations, 'evict');
});

/** A user with a bearer and a cookie session, both served from the cache (one request each). */
async function cachedUser(): Promise<{ bearer: BearerLogin; jar: CookieJar; cookieSessionId: string }> {
  const bearer = await registerBearer(t.server.url);
  const { jar, sessionId } = await loginCookie(t.server.url, bearer.email);
  expect((await gql(t.server.url, ME, {}, { token: bearer.accessToken })).status).toBe(200);
  expect((await gql(t.server.url, ME, {}, { jar })).body.data).toMatchObject({ me: { id: bearer.userId } });
  return { bearer, jar, cookieSessionId: sessionId };
}

/** Runs raw SQL and waits (bounded, by the server's own echo wait) until the listener has heard `expected`. */
async function outOfBand(text: string, params: unknown[], expected: Invalidation): Promise<void> {
  const echo = t.server.app.invalidations.echoes.expect(expected);
  await sql(t.db, text, params);
  await echo.wait();
  expect(evicted).toHaveBeenCalledWith(expected);
}

async function expectRefused(bearer: BearerLogin, jar?: CookieJar): Promise<void> {
  const byToken = await gql(t.server.url, ME, {}, { token: bearer.accessToken });
  expect(byToken.status).toBe(401);
  expect(errorReason(byToken)).toBe('SESSION_REVOKED');
  if (jar) expect((await gql(t.server.url, ME, {}, { jar })).body.data).toEqual({ me: null });
}

describe('changes made with SQL', () => {
  it('a session revoked with SQL is refused on the very next request (bearer and cookie)', async () => {
    const { bearer, jar, cookieSessionId } = await cachedUser();
    await outOfBand(`update sessions set revoked_at = now() where id = $1`, [bearer.sessionId], {
      kind: 'session',
      id: bearer.sessionId,
    });
    await expectRefused(bearer);
    await outOfBand(`update sessions set revoked_at = now() where id = $1`, [cookieSessionId], {
      kind: 'session',
      id: cookieSessionId,
    });
    expect((await gql(t.server.url, ME, {}, { jar })).body.data).toEqual({ me: null });
  });

  it('a session deleted with SQL is refused on the very next request', async () => {
    const { bearer } = await cachedUser();
    await outOfBand(`delete from sessions where id = $1`, [bearer.sessionId], {
      kind: 'session',
      id: bearer.sessionId,
    });
    await expectRefused(bearer);
  });

  it('a user deleted with SQL: all their sessions are refused on the very next request', async () => {
    const { bearer, jar } = await cachedUser();
    await outOfBand(`delete from users where id = $1`, [bearer.userId], { kind: 'user', id: bearer.userId });
    await expectRefused(bearer, jar);
  });

  it('a user disabled with SQL: sessions refused on the next request, and refresh refused', async () => {
    const { bearer, jar } = await cachedUser();
    await outOfBand(`update users set disabled_at = now() where id = $1`, [bearer.userId], {
      kind: 'user',
      id: bearer.userId,
    });
    await expectRefused(bearer, jar);
    const refresh = await gql(t.server.url, REFRESH, { t: bearer.refreshToken });
    expect(errorCode(refresh)).toBe('UNAUTHENTICATED');
    expect(errorReason(refresh)).toBe('SESSION_REVOKED');
  });

  it('roles changed with SQL apply on the very next request', async () => {
    const { bearer } = await cachedUser();
    await outOfBand(`update users set roles = '{USER,ADMIN}' where id = $1`, [bearer.userId], {
      kind: 'user',
      id: bearer.userId,
    });
    const res = await gql(t.server.url, ME, {}, { token: bearer.accessToken });
    expect(res.body.data).toEqual({ me: { id: bearer.userId, roles: ['USER', 'ADMIN'] } });
  });

  // Last: it drops the triggers and moves the clock.
  it('with the triggers dropped, the cache TTL (30 s by default) still bounds the staleness', async () => {
    for (const [trigger, table] of [
      ['sessions_announce_update', 'sessions'],
      ['sessions_announce_delete', 'sessions'],
      ['users_announce_update', 'users'],
      ['users_announce_delete', 'users'],
    ]) {
      await sql(t.db, `drop trigger ${trigger} on ${table}`);
    }
    const revoked = await cachedUser();
    const deleted = await cachedUser();
    await sql(t.db, `update sessions set revoked_at = now() where id = $1`, [revoked.bearer.sessionId]);
    await sql(t.db, `delete from users where id = $1`, [deleted.bearer.userId]);
    // Nothing was announced: the cache still serves both (what the triggers are for).
    for (const { bearer } of [revoked, deleted]) {
      expect((await gql(t.server.url, ME, {}, { token: bearer.accessToken })).status).toBe(200);
    }
    // The test clock runs on real time: 20 s ahead leaves a loaded machine 10 real seconds of slack.
    t.server.clock.advance(20);
    expect((await gql(t.server.url, ME, {}, { token: revoked.bearer.accessToken })).status).toBe(200);
    t.server.clock.advance(11);
    await expectRefused(revoked.bearer);
    await expectRefused(deleted.bearer, deleted.jar);
  });
});
