import { errorCode, gql } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { loginBearer, loginCookie, PASSWORD, registerBearer, uniqueEmail } from '../support/users.js';
import {
  call,
  errorShape,
  INVALID_LINK_ERROR,
  linkIn,
  mailbox,
  mailEnv,
  REQUEST_RESET,
  RESET,
} from './lifecycle-support.js';

// Issue #13 / DESIGN §6.1: requestPasswordReset answers alike for every address and mails only real, enabled
// accounts; resetPassword sets the password, ends every session, lifts lock-outs and logs nobody in.
let smtp: TestSmtpServer;
const t = useTestServer({
  env: async () => {
    smtp = await startSmtpServer();
    return { ...mailEnv(smtp), RATE_LIMIT_LOGIN_FAILURES: '3' };
  },
});
afterAll(() => smtp?.stop());
const NEW_PASSWORD = 'a fresh reset passphrase';
const ME = '{ me { id email emailVerified } }';

/** Asks for a reset of `email` and returns the link's token from the mail. */
async function resetToken(box: ReturnType<typeof mailbox>, email: string): Promise<string> {
  const res = await call(t.server.url, REQUEST_RESET, { e: email });
  expect(res.body).toEqual({ data: { requestPasswordReset: true } });
  return linkIn(await box.next(email, 'reset-password')).token;
}

describe('resetPassword', () => {
  it('sets the password, ends every cookie and bearer session, verifies the address and logs nobody in', async () => {
    const box = mailbox(smtp);
    const user = await registerBearer(t.server.url);
    await box.next(user.email); // the verification mail of registration
    const browser = await loginCookie(t.server.url, user.email);
    const phone = await loginBearer(t.server.url, user.email);
    const token = await resetToken(box, user.email);

    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: RESET, variables: { t: token, p: NEW_PASSWORD } }),
    });
    expect(await res.json()).toEqual({ data: { resetPassword: true } }); // no token, no session
    expect(res.headers.getSetCookie()).toEqual([]); // no cookie

    // Every session is over on the very next request: bearer 401, cookie anonymous, refresh refused.
    expect((await gql(t.server.url, ME, {}, { token: user.accessToken })).status).toBe(401);
    expect((await gql(t.server.url, ME, {}, { token: phone.accessToken })).status).toBe(401);
    expect((await gql(t.server.url, ME, {}, { jar: browser.jar })).body.data).toEqual({ me: null });
    const refreshed = await gql(
      t.server.url,
      'mutation($r: String!) { refresh(refreshToken: $r) { accessToken } }',
      {
        r: phone.refreshToken,
      },
    );
    expect(errorCode(refreshed)).toBe('UNAUTHENTICATED');
    expect(
      await sql(
        t.db,
        'select count(*)::int as live from sessions where user_id = $1 and revoked_at is null',
        [user.userId],
      ),
    ).toEqual([{ live: 0 }]);

    // The new password works, the old one not; the link proved the address.
    await expect(loginBearer(t.server.url, user.email, PASSWORD)).rejects.toThrow(/login failed/);
    const after = await loginBearer(t.server.url, user.email, NEW_PASSWORD);
    const me = await gql(t.server.url, ME, {}, { token: after.accessToken });
    expect(me.body.data).toEqual({ me: { id: user.userId, email: user.email, emailVerified: true } });

    const audit = await sql<{ type: string; details: Record<string, unknown> }>(
      t.db,
      "select type, details from audit_events where user_id = $1 and type in ('PASSWORD_RESET_REQUESTED', 'PASSWORD_RESET') order by created_at",
      [user.userId],
    );
    expect(audit).toEqual([
      { type: 'PASSWORD_RESET_REQUESTED', details: null },
      { type: 'PASSWORD_RESET', details: { revokedSessions: 3 } },
    ]);
    const notice = await box.next(user.email);
    expect(notice.subject).toMatch(/password/i);
    expect(notice.text).not.toContain('token=');
    // Neither the link's token nor the new password reached a log line or an audit row.
    const trail = [...t.server.logs, JSON.stringify(await sql(t.db, 'select * from audit_events'))].join(
      '\n',
    );
    expect(trail).not.toContain(token);
    expect(trail).not.toContain(NEW_PASSWORD);
  });

  it('refuses a weak password with the same error as register, and the link still works afterwards', async () => {
    expect.assertions(4);
    const box = mailbox(smtp);
    const user = await registerBearer(t.server.url);
    const token = await resetToken(box, user.email);
    const weak = await call(t.server.url, RESET, { t: token, p: 'password123' });
    const registering = await call(
      t.server.url,
      'mutation($e: String!, $p: String!) { register(email: $e, password: $p) { user { id } } }',
      { e: uniqueEmail(), p: 'password123' },
    );
    expect(errorShape(weak)).toEqual({ ...errorShape(registering), reason: undefined });
    expect(weak.body.errors?.[0]?.extensions?.field).toBe('newPassword');
    expect((await call(t.server.url, RESET, { t: token, p: NEW_PASSWORD })).body).toEqual({
      data: { resetPassword: true },
    });
  });

  it('lifts the lock-out that kept the owner out', async () => {
    const box = mailbox(smtp);
    const user = await registerBearer(t.server.url);
    for (let i = 0; i < 3; i++)
      await gql(
        t.server.url,
        'mutation($e: String!) { login(email: $e, password: "wrong guess 123") { user { id } } }',
        { e: user.email },
      );
    const locked = await gql(
      t.server.url,
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { id } } }',
      {
        e: user.email,
        p: PASSWORD,
      },
    );
    expect(locked.status).toBe(429);
    const token = await resetToken(box, user.email);
    expect((await call(t.server.url, RESET, { t: token, p: NEW_PASSWORD })).body.data).toEqual({
      resetPassword: true,
    });
    await expect(loginBearer(t.server.url, user.email, NEW_PASSWORD)).resolves.toMatchObject({
      userId: user.userId,
    });
  });

  it('a newer request voids the earlier link', async () => {
    const box = mailbox(smtp);
    const user = await registerBearer(t.server.url);
    const first = await resetToken(box, user.email);
    const second = await resetToken(box, user.email);
    expect(errorShape(await call(t.server.url, RESET, { t: first, p: NEW_PASSWORD }))).toEqual(
      INVALID_LINK_ERROR,
    );
    expect((await call(t.server.url, RESET, { t: second, p: NEW_PASSWORD })).body.data).toEqual({
      resetPassword: true,
    });
  });
});

describe('requestPasswordReset', () => {
  /** The raw answer: status, the headers that could differ, and the body text. */
  async function ask(email: string) {
    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: REQUEST_RESET, variables: { e: email } }),
    });
    return { status: res.status, cookies: res.headers.getSetCookie(), body: await res.text() };
  }

  it('answers an unknown, a disabled and a real address alike, and mails only the real one', async () => {
    const box = mailbox(smtp);
    const real = await registerBearer(t.server.url);
    const disabled = await registerBearer(t.server.url);
    await sql(t.db, 'update users set disabled_at = now() where id = $1', [disabled.userId]);
    const unknown = uniqueEmail('nobody');

    const answers = [await ask(unknown), await ask(disabled.email), await ask(real.email)];
    for (const answer of answers) {
      expect(answer).toEqual({ status: 200, cookies: [], body: '{"data":{"requestPasswordReset":true}}\n' });
    }
    // Requests are handled in order: once the real address's link is out, the two before it were handled.
    await box.next(real.email, 'reset-password');
    const rows = await sql(
      t.db,
      "select recipient from mail_outbox where template = 'reset-password' and recipient = any($1)",
      [[unknown, disabled.email]],
    );
    expect(rows).toEqual([]);
    expect(box.all(unknown)).toEqual([]);
    expect(
      await sql(
        t.db,
        "select count(*)::int as n from link_tokens where user_id = $1 and purpose = 'RESET_PASSWORD'",
        [disabled.userId],
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('lets 3 requests per address through in 15 minutes; the 4th is answered alike and mails nothing', async () => {
    const box = mailbox(smtp);
    const user = await registerBearer(t.server.url);
    await box.next(user.email); // verification
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await ask(user.email));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    const tokens = [];
    for (let i = 0; i < 3; i++) tokens.push(linkIn(await box.next(user.email)).token);
    // A marker request for another address: once its mail is out, the 4th request above was handled too.
    const marker = await registerBearer(t.server.url);
    await box.next(marker.email);
    await ask(marker.email);
    await box.next(marker.email);
    await t.server.app.mail.drain();
    expect(box.all(user.email)).toHaveLength(1 + 3);
    expect(
      await sql(
        t.db,
        "select count(*)::int as n from audit_events where user_id = $1 and type = 'PASSWORD_RESET_REQUESTED'",
        [user.userId],
      ),
    ).toEqual([{ n: 3 }]);
  });
});
