import { CookieJar, errorCode, errorReason, gql, type GqlResponse } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { loginCookie, PASSWORD, registerBearer } from '../support/users.js';

// OWASP Session Management cheat sheet: renew the session id after any credential change. changePassword ends
// every session of the user, the caller's too, and gives the caller a new one: a new cookie, or a new token pair
// in the response's `extensions.session` (the mutation answers a Boolean).
const t = useTestServer();

const CHANGE = 'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';
const NEW_PASSWORD = 'a brand new passphrase';

interface RenewedSession {
  id: string;
  transport: string;
  accessToken: string | null;
  accessTokenExpiresAt: string | null;
  refreshToken: string | null;
  refreshTokenExpiresAt: string | null;
}

const renewed = (res: GqlResponse<unknown>) =>
  (res.body as { extensions?: { session?: RenewedSession } }).extensions?.session;

async function revokedReason(sessionId: string): Promise<string | null | undefined> {
  const rows = await sql<{ revoked_reason: string | null }>(
    t.db,
    'select revoked_reason from sessions where id = $1',
    [sessionId],
  );
  return rows[0]?.revoked_reason;
}

describe('the session after a password change', () => {
  it('is a new cookie session: new id and cookie, and the old cookie no longer works', async () => {
    const { email, userId } = await registerBearer(t.server.url);
    const browser = await loginCookie(t.server.url, email);
    const oldCookie = browser.jar.get('sid')!;

    const res = await gql(t.server.url, CHANGE, { c: PASSWORD, n: NEW_PASSWORD }, { jar: browser.jar });
    expect(res.body.data).toEqual({ changePassword: true });
    const session = renewed(res)!;
    expect(session).toEqual({
      id: expect.any(String),
      transport: 'COOKIE',
      accessToken: null,
      accessTokenExpiresAt: null,
      refreshToken: null,
      refreshTokenExpiresAt: null,
    });
    expect(session.id).not.toBe(browser.sessionId);
    expect(browser.jar.get('sid')).toBeDefined();
    expect(browser.jar.get('sid')).not.toBe(oldCookie);
    expect(await revokedReason(browser.sessionId)).toBe('PASSWORD_CHANGED');
    expect(await revokedReason(session.id)).toBeNull();

    // The browser carries on in the new session…
    const mine = await gql<{ me: { id: string }; mySessions: { id: string; current: boolean }[] }>(
      t.server.url,
      '{ me { id } mySessions { id current } }',
      {},
      { jar: browser.jar },
    );
    expect(mine.body.data?.me.id).toBe(userId);
    expect(mine.body.data?.mySessions).toEqual([{ id: session.id, current: true }]);
    // …and whoever kept the old cookie is anonymous.
    const stale = new CookieJar();
    stale.set('sid', oldCookie);
    const old = await gql<{ me: { id: string } | null }>(t.server.url, '{ me { id } }', {}, { jar: stale });
    expect(old.body.data?.me).toBeNull();

    const audit = await sql<{ session_id: string; details: Record<string, unknown> }>(
      t.db,
      "select session_id, details from audit_events where type = 'PASSWORD_CHANGED' and user_id = $1",
      [userId],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.session_id).toBe(session.id);
    expect(audit[0]!.details).toMatchObject({ transport: 'COOKIE', replacedSessionId: browser.sessionId });
  });

  it('is a new bearer token pair in extensions.session; the old access and refresh tokens stop working', async () => {
    const caller = await registerBearer(t.server.url);
    const res = await gql(
      t.server.url,
      CHANGE,
      { c: PASSWORD, n: NEW_PASSWORD },
      { token: caller.accessToken },
    );
    expect(res.body.data).toEqual({ changePassword: true });
    const session = renewed(res)!;
    expect(session).toMatchObject({ transport: 'BEARER' });
    expect(session.id).not.toBe(caller.sessionId);
    expect(typeof session.accessToken).toBe('string');
    expect(session.refreshToken).toMatch(/^ghr_/);
    expect(Date.parse(session.accessTokenExpiresAt!)).toBeGreaterThan(Date.now());
    expect(Date.parse(session.refreshTokenExpiresAt!)).toBeGreaterThan(Date.now());
    expect(await revokedReason(caller.sessionId)).toBe('PASSWORD_CHANGED');

    const oldAccess = await gql(t.server.url, '{ me { id } }', {}, { token: caller.accessToken });
    expect(oldAccess.status).toBe(401);
    expect(errorReason(oldAccess)).toBe('SESSION_REVOKED');
    const REFRESH = 'mutation($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken } }';
    const oldRefresh = await gql(t.server.url, REFRESH, { t: caller.refreshToken });
    expect(errorCode(oldRefresh)).toBe('UNAUTHENTICATED');

    const me = await gql<{ me: { id: string } }>(
      t.server.url,
      '{ me { id } }',
      {},
      { token: session.accessToken! },
    );
    expect(me.body.data?.me.id).toBe(caller.userId);
    const next = await gql<{ refresh: { accessToken: string } }>(t.server.url, REFRESH, {
      t: session.refreshToken,
    });
    expect(typeof next.body.data?.refresh.accessToken).toBe('string');
  });

  it('adds no session to a refused change', async () => {
    const caller = await registerBearer(t.server.url);
    const res = await gql(
      t.server.url,
      CHANGE,
      { c: 'not my password', n: NEW_PASSWORD },
      { token: caller.accessToken },
    );
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
    expect(renewed(res)).toBeUndefined();
    expect(await revokedReason(caller.sessionId)).toBeNull();
  });
});
