import { CookieJar, errorCode, gql } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { loginCookie, PASSWORD, registerBearer, uniqueEmail } from '../support/users.js';
import { withClockAdvanced } from '../support/clock.js';

const t = useTestServer();

const ME = '{ me { id email roles } }';

describe('cookie transport', () => {
  it('logs in with an httpOnly, SameSite=Lax session cookie and never returns a token', async () => {
    const { email } = await registerBearer(t.server.url);
    const jar = new CookieJar();
    const res = await gql<{
      login: { accessToken: null; refreshToken: null; session: { transport: string; current: boolean } };
    }>(
      t.server.url,
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken session { transport current } } }',
      { e: email, p: PASSWORD },
      { jar },
    );
    expect(res.body.data?.login).toEqual({
      accessToken: null,
      refreshToken: null,
      session: { transport: 'COOKIE', current: true },
    });
    const cookie = jar.setCookieHeaders.find((c) => c.startsWith('sid='))!;
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/); // only in production
    expect(res.headers.get('cache-control')).toBe('no-store');

    const me = await gql<{ me: { email: string } }>(t.server.url, ME, {}, { jar });
    expect(me.body.data?.me.email).toBe(email);
  });

  it('stores only a hash of the cookie session id', async () => {
    const { email } = await registerBearer(t.server.url);
    const { jar, sessionId } = await loginCookie(t.server.url, email);
    const sid = decodeURIComponent(jar.get('sid')!).slice(2).split('.')[0]!;
    const rows = await sql<{ cookie_id_hash: string }>(
      t.db,
      'select cookie_id_hash from sessions where id = $1',
      [sessionId],
    );
    expect(rows[0]!.cookie_id_hash).toMatch(/^[0-9a-f]{64}$/);
    const all = await sql(t.db, 'select * from sessions');
    expect(JSON.stringify(all)).not.toContain(sid);
  });

  it('issues a new session id at login: a session id the browser came with is not kept (fixation)', async () => {
    const { email } = await registerBearer(t.server.url);
    // The "planted" id: a valid session cookie obtained earlier, e.g. fixed by an attacker in the victim's browser.
    const planted = await loginCookie(t.server.url, email);
    const plantedCookie = planted.jar.get('sid')!;
    const victim = new CookieJar();
    victim.set('sid', plantedCookie);
    const login = await loginCookie(t.server.url, email, PASSWORD, victim);
    expect(victim.get('sid')).toBeDefined();
    expect(victim.get('sid')).not.toBe(plantedCookie);
    expect(login.sessionId).not.toBe(planted.sessionId);
    // The planted id is dead: the attacker holding it is not logged in as the victim.
    const attacker = new CookieJar();
    attacker.set('sid', plantedCookie);
    expect((await gql(t.server.url, ME, {}, { jar: attacker })).body.data).toEqual({ me: null });
    // An unknown or forged id is not adopted either.
    const forged = new CookieJar();
    forged.set('sid', 's%3Aforged-session-id.invalidsignature');
    const again = await loginCookie(t.server.url, email, PASSWORD, forged);
    expect(forged.get('sid')).not.toContain('forged-session-id');
    expect(again.sessionId).toBeDefined();
  });

  it('logout revokes the session and clears the cookie', async () => {
    const { email } = await registerBearer(t.server.url);
    const { jar, sessionId } = await loginCookie(t.server.url, email);
    const copy = new CookieJar();
    copy.set('sid', jar.get('sid')!);
    const out = await gql(t.server.url, 'mutation { logout }', {}, { jar });
    expect(out.body.data).toEqual({ logout: true });
    expect(
      out.headers.getSetCookie().some((c) => /^sid=;/.test(c) && /Expires=Thu, 01 Jan 1970/.test(c)),
    ).toBe(true);
    expect(jar.get('sid')).toBeUndefined();
    // A copy of the old cookie is dead too, and is cleared when presented.
    const replay = await gql(t.server.url, ME, {}, { jar: copy });
    expect(replay.body.data).toEqual({ me: null });
    expect(replay.headers.getSetCookie().some((c) => /^sid=;/.test(c))).toBe(true);
    const rows = await sql<{ revoked_reason: string }>(
      t.db,
      'select revoked_reason from sessions where id = $1',
      [sessionId],
    );
    expect(rows[0]!.revoked_reason).toBe('LOGOUT');
  });

  it('enforces the idle timeout on the server and clears the expired cookie', async () => {
    const { email } = await registerBearer(t.server.url);
    const { jar } = await loginCookie(t.server.url, email);
    expect((await gql<{ me: unknown }>(t.server.url, ME, {}, { jar })).body.data?.me).not.toBeNull();
    await withClockAdvanced(t.server.clock, 7 * 86400 + 1, async () => {
      const res = await gql(t.server.url, ME, {}, { jar });
      expect(res.body.data).toEqual({ me: null });
      expect(res.headers.getSetCookie().some((c) => /^sid=;/.test(c))).toBe(true);
      const denied = await gql(t.server.url, '{ mySessions { id } }', {}, { jar });
      expect(errorCode(denied)).toBe('UNAUTHENTICATED');
    });
  });

  it('a cookie request that also carries a bearer token is decided by the token alone', async () => {
    const { email } = await registerBearer(t.server.url);
    const { jar } = await loginCookie(t.server.url, email);
    const res = await gql(t.server.url, ME, {}, { jar, token: 'not-a-jwt' });
    expect(res.status).toBe(401);
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
  });

  it('a cookie login with a fresh email says nothing about which half was wrong', async () => {
    const wrongPassword = await gql(
      t.server.url,
      'mutation($e: String!) { login(email: $e, password: "wrong password 1") { user { id } } }',
      {
        e: (await registerBearer(t.server.url)).email,
      },
    );
    const unknownEmail = await gql(
      t.server.url,
      'mutation($e: String!) { login(email: $e, password: "wrong password 1") { user { id } } }',
      {
        e: uniqueEmail('nobody'),
      },
    );
    expect(errorCode(wrongPassword)).toBe('UNAUTHENTICATED');
    expect(wrongPassword.body.errors?.[0]?.message).toBe(unknownEmail.body.errors?.[0]?.message);
    expect(wrongPassword.body.errors?.[0]?.extensions?.reason).toBe(
      unknownEmail.body.errors?.[0]?.extensions?.reason,
    );
  });
});
