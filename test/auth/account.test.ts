import type { Em } from '../../src/db/types.js';
import { createUser } from '../../src/users/user-service.js';
import { CookieJar, errorCode, errorReason, gql, type GqlResponse } from '../support/client.js';
import { sql } from '../support/database.js';
import { startServer, useTestServer } from '../support/server.js';
import { loginBearer, loginCookie, PASSWORD, registerBearer, uniqueEmail } from '../support/users.js';

const t = useTestServer({
  env: { ADMIN_EMAIL: 'Root@Example.com', ADMIN_PASSWORD: 'bootstrap admin password' },
});

const REGISTER =
  'mutation($e: String!, $p: String!) { register(email: $e, password: $p, transport: BEARER) { user { id email roles createdAt } } }';
const REFRESH = 'mutation($t: String!) { refresh(refreshToken: $t) { refreshToken } }';

describe('register', () => {
  it('creates a USER with a normalised email and an argon2id hash, and logs it in', async () => {
    const email = uniqueEmail('New');
    const res = await gql<{ register: { user: { email: string; roles: string[] } } }>(
      t.server.url,
      REGISTER,
      {
        e: `  ${email.toUpperCase()} `,
        p: PASSWORD,
      },
    );
    expect(res.body.data?.register.user).toMatchObject({ email: email.toLowerCase(), roles: ['USER'] });
    const rows = await sql<{ password_hash: string }>(
      t.db,
      'select password_hash from users where email = $1',
      [email.toLowerCase()],
    );
    expect(rows[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const audit = await sql(t.db, "select * from audit_events where type = 'REGISTERED'");
    expect(audit.length).toBeGreaterThan(0);
  });

  it.each([
    ['a short password', uniqueEmail(), 'short', 'password'],
    ['a password over 128 characters', uniqueEmail(), 'x'.repeat(129), 'password'],
    ['a common password', uniqueEmail(), 'password123', 'password'],
    ['a malformed email', 'not-an-email', PASSWORD, 'email'],
    ['an over-long email', `${'a'.repeat(250)}@example.com`, PASSWORD, 'email'],
  ])('refuses %s with BAD_USER_INPUT and creates nothing', async (_what, email, password, field) => {
    const before = await sql<{ n: string }>(t.db, 'select count(*) as n from users');
    const res = await gql(t.server.url, REGISTER, { e: email, p: password });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.extensions?.field).toBe(field);
    expect(await sql<{ n: string }>(t.db, 'select count(*) as n from users')).toEqual(before);
  });

  it('refuses an email that is taken, in any letter case', async () => {
    const { email } = await registerBearer(t.server.url);
    const res = await gql(t.server.url, REGISTER, { e: email.toUpperCase(), p: PASSWORD });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
  });
});

describe('register does not tell which emails have an account', () => {
  const counts = async () =>
    (
      await sql<{ users: string; sessions: string; audit: string }>(
        t.db,
        'select (select count(*) from users) as users, (select count(*) from sessions) as sessions, (select count(*) from audit_events) as audit',
      )
    )[0];
  /** What a client sees of a refusal: message and extensions (not the per-request path, nor a dev stack trace). */
  const refusal = (res: GqlResponse<unknown>) => {
    const { message, extensions } = res.body.errors![0]!;
    const { stacktrace: _stacktrace, ...rest } = extensions ?? {};
    return { message, extensions: rest };
  };

  it('answers a taken email without naming the email field or saying that an account exists', async () => {
    const { email } = await registerBearer(t.server.url);
    const before = await counts();
    const res = await gql(t.server.url, REGISTER, { e: email, p: 'another long passphrase' });
    expect(res.body.data).toBeNull();
    expect(refusal(res)).toEqual({ message: expect.any(String), extensions: { code: 'BAD_USER_INPUT' } });
    expect(res.body.errors![0]!.message).not.toMatch(/exist|already|taken|account|email/i);
    expect(await counts()).toEqual(before);
  });

  it('a taken email pays the same one argon2 hash as a new one', async () => {
    const hashed: string[] = [];
    const countingHash = (password: string) => {
      hashed.push(password);
      return t.server.app.passwords.hash(password);
    };
    const em = () => t.server.app.db.orm.em.fork() as Em;
    const email = uniqueEmail();
    const fresh = await createUser(em(), t.server.clock, { email, password: PASSWORD }, countingHash);
    expect(fresh.ok).toBe(true);
    expect(hashed).toEqual([PASSWORD]);
    const taken = await createUser(em(), t.server.clock, { email, password: PASSWORD }, countingHash);
    expect(taken).toEqual({ ok: false, reason: 'TAKEN' });
    expect(hashed).toEqual([PASSWORD, PASSWORD]);
  });

  it('a registration that loses the race for an email (unique violation) is answered as taken, after its hash', async () => {
    // Both registrations hash, then both find the email free, then both insert: the unique constraint decides.
    let arrived = 0;
    let releaseAll!: () => void;
    const allArrived = new Promise<void>((resolve) => (releaseAll = resolve));
    const barrierHash = async () => {
      if (++arrived === 2) releaseAll();
      await allArrived;
      return '$argon2id$v=19$m=19456,t=2,p=1$not-a-real-hash';
    };
    const email = uniqueEmail('race');
    const register = () =>
      createUser(
        t.server.app.db.orm.em.fork() as Em,
        t.server.clock,
        { email, password: PASSWORD },
        barrierHash,
      );
    const results = await Promise.all([register(), register()]);
    expect(arrived).toBe(2);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'TAKEN' }]);
  });

  it('concurrent registrations of one new email: one wins, every other gets the taken-email answer', async () => {
    const email = uniqueEmail('burst');
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => gql(t.server.url, REGISTER, { e: email, p: PASSWORD })),
    );
    expect(answers.filter((a) => a.body.data?.register)).toHaveLength(1);
    const taken = refusal(await gql(t.server.url, REGISTER, { e: email, p: PASSWORD }));
    expect(taken.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    for (const lost of answers.filter((a) => !a.body.data?.register)) expect(refusal(lost)).toEqual(taken);
  });
});

describe('login', () => {
  it('gives one error for a wrong password and an unknown email, and audits the failure', async () => {
    const { email, userId } = await registerBearer(t.server.url);
    const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { id } } }';
    const wrong = await gql(t.server.url, LOGIN, { e: email, p: 'not the password' });
    const unknown = await gql(t.server.url, LOGIN, { e: uniqueEmail(), p: 'not the password' });
    for (const res of [wrong, unknown]) {
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
      expect(res.body.errors?.[0]?.message).toBe('Invalid email or password');
      expect(res.body.data).toBeNull();
    }
    const audit = await sql(t.db, "select * from audit_events where type = 'LOGIN_FAILED' and user_id = $1", [
      userId,
    ]);
    expect(audit).toHaveLength(1);
  });

  it('bootstraps ADMIN_EMAIL as an ADMIN, idempotently', async () => {
    const admin = await loginBearer(t.server.url, 'root@example.com', 'bootstrap admin password');
    const me = await gql<{ me: { roles: string[] } }>(
      t.server.url,
      '{ me { roles } }',
      {},
      { token: admin.accessToken },
    );
    expect([...me.body.data!.me.roles].sort()).toEqual(['ADMIN', 'USER']);
    expect(me.body.data?.me.roles).toContain('ADMIN');
    // A second instance with the same settings and a different password leaves the account alone.
    const second = await startServer(t.db, {
      env: { ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'another password entirely' },
    });
    try {
      expect(
        (await loginBearer(second.url, 'root@example.com', 'bootstrap admin password')).accessToken,
      ).toBeDefined();
      expect(await sql(t.db, "select id from users where email = 'root@example.com'")).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });
});

describe('sessions and logout', () => {
  it('lists the caller’s live sessions across both transports, marking the current one', async () => {
    const bearer = await registerBearer(t.server.url);
    const cookie = await loginCookie(t.server.url, bearer.email);
    const res = await gql<{
      mySessions: { id: string; transport: string; current: boolean; userAgent: string }[];
    }>(
      t.server.url,
      '{ mySessions { id transport current ip userAgent createdAt lastSeenAt expiresAt } }',
      {},
      { jar: cookie.jar, headers: { 'user-agent': 'gatehouse-test/1.0' } },
    );
    const sessions = res.body.data!.mySessions;
    expect(sessions.map((s) => s.id).sort()).toEqual([bearer.sessionId, cookie.sessionId].sort());
    expect(sessions.find((s) => s.current)?.id).toBe(cookie.sessionId);
    expect(sessions.find((s) => s.id === bearer.sessionId)?.transport).toBe('BEARER');
  });

  it('bearer logout kills the access token and the refresh token', async () => {
    const login = await registerBearer(t.server.url);
    const out = await gql(t.server.url, 'mutation { logout }', {}, { token: login.accessToken });
    expect(out.body.data).toEqual({ logout: true });
    const after = await gql(t.server.url, '{ me { id } }', {}, { token: login.accessToken });
    expect(after.status).toBe(401);
    expect(errorReason(after)).toBe('SESSION_REVOKED');
    expect(errorReason(await gql(t.server.url, REFRESH, { t: login.refreshToken }))).toBe('SESSION_REVOKED');
  });

  it('logoutAll ends every session of the user, on both transports', async () => {
    const a = await registerBearer(t.server.url);
    const b = await loginBearer(t.server.url, a.email);
    const c = await loginCookie(t.server.url, a.email);
    const res = await gql<{ logoutAll: number }>(
      t.server.url,
      'mutation { logoutAll }',
      {},
      { token: a.accessToken },
    );
    expect(res.body.data?.logoutAll).toBe(3);
    expect((await gql(t.server.url, '{ me { id } }', {}, { token: b.accessToken })).status).toBe(401);
    expect((await gql(t.server.url, '{ me { id } }', {}, { jar: c.jar })).body.data).toEqual({ me: null });
  });

  it('revokeSession ends one of your own sessions; another user’s is FORBIDDEN', async () => {
    const a = await registerBearer(t.server.url);
    const phone = await loginBearer(t.server.url, a.email);
    const res = await gql(
      t.server.url,
      'mutation($id: ID!) { revokeSession(id: $id) }',
      { id: phone.sessionId },
      { token: a.accessToken },
    );
    expect(res.body.data).toEqual({ revokeSession: true });
    expect(errorReason(await gql(t.server.url, '{ me { id } }', {}, { token: phone.accessToken }))).toBe(
      'SESSION_REVOKED',
    );
    // Revoking it again reports that nothing was live.
    const again = await gql(
      t.server.url,
      'mutation($id: ID!) { revokeSession(id: $id) }',
      { id: phone.sessionId },
      { token: a.accessToken },
    );
    expect(again.body.data).toEqual({ revokeSession: false });

    const mallory = await registerBearer(t.server.url);
    const denied = await gql(
      t.server.url,
      'mutation($id: ID!) { revokeSession(id: $id) }',
      { id: a.sessionId },
      { token: mallory.accessToken },
    );
    expect(errorCode(denied)).toBe('FORBIDDEN');
    expect(errorReason(denied)).toBe('NOT_OWNER');
    expect((await gql(t.server.url, '{ me { id } }', {}, { token: a.accessToken })).status).toBe(200);
    const bogus = await gql(
      t.server.url,
      'mutation { revokeSession(id: "not-a-uuid") }',
      {},
      { token: a.accessToken },
    );
    expect(errorCode(bogus)).toBe('BAD_USER_INPUT');
  });

  it('changePassword keeps the current session, kills the others, and needs the current password', async () => {
    const a = await registerBearer(t.server.url);
    const other = await loginBearer(t.server.url, a.email);
    const browser = await loginCookie(t.server.url, a.email);
    const CHANGE =
      'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';

    const wrong = await gql(
      t.server.url,
      CHANGE,
      { c: 'not my password', n: 'a brand new passphrase' },
      { jar: browser.jar },
    );
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
    const weak = await gql(t.server.url, CHANGE, { c: PASSWORD, n: 'short' }, { jar: browser.jar });
    expect(errorCode(weak)).toBe('BAD_USER_INPUT');
    expect((await gql(t.server.url, '{ me { id } }', {}, { token: other.accessToken })).status).toBe(200);

    const ok = await gql(
      t.server.url,
      CHANGE,
      { c: PASSWORD, n: 'a brand new passphrase' },
      { jar: browser.jar },
    );
    expect(ok.body.data).toEqual({ changePassword: true });
    expect(
      (await gql<{ me: { id: string } }>(t.server.url, '{ me { id } }', {}, { jar: browser.jar })).body.data
        ?.me.id,
    ).toBe(a.userId);
    expect(errorReason(await gql(t.server.url, '{ me { id } }', {}, { token: other.accessToken }))).toBe(
      'SESSION_REVOKED',
    );
    expect(errorReason(await gql(t.server.url, '{ me { id } }', {}, { token: a.accessToken }))).toBe(
      'SESSION_REVOKED',
    );
    await expect(loginBearer(t.server.url, a.email)).rejects.toThrow(/login failed/);
    expect((await loginBearer(t.server.url, a.email, 'a brand new passphrase')).accessToken).toBeDefined();
    const audit = await sql(
      t.db,
      "select * from audit_events where type = 'PASSWORD_CHANGED' and user_id = $1",
      [a.userId],
    );
    expect(audit).toHaveLength(1);
  });

  it('writes an audit row per security event, with IP and user agent and no secret', async () => {
    const jar = new CookieJar();
    const email = uniqueEmail();
    await gql(
      t.server.url,
      'mutation($e: String!, $p: String!) { register(email: $e, password: $p) { user { id } } }',
      { e: email, p: PASSWORD },
      {
        jar,
        headers: { 'user-agent': 'audit-check/2.0' },
      },
    );
    await gql(t.server.url, 'mutation { logout }', {}, { jar, headers: { 'user-agent': 'audit-check/2.0' } });
    const rows = await sql<{ type: string; ip: string; user_agent: string }>(
      t.db,
      // The verification link registration mails is audited too (test/accounts/ covers it).
      "select e.type, e.ip, e.user_agent from audit_events e join users u on u.id = e.user_id where u.email = $1 and e.type <> 'EMAIL_VERIFICATION_REQUESTED' order by e.created_at",
      [email],
    );
    expect(rows.map((r) => r.type)).toEqual(['REGISTERED', 'LOGOUT']);
    expect(rows[0]).toMatchObject({ ip: '127.0.0.1', user_agent: 'audit-check/2.0' });
    expect(JSON.stringify(await sql(t.db, 'select * from audit_events'))).not.toContain(PASSWORD);
  });
});
