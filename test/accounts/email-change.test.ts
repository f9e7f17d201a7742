import { errorCode, errorReason, gql } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { loginBearer, PASSWORD, registerBearer, uniqueEmail } from '../support/users.js';
import {
  call,
  CONFIRM_CHANGE,
  errorShape,
  INVALID_LINK_ERROR,
  linkIn,
  mailbox,
  mailEnv,
  REQUEST_CHANGE,
} from './lifecycle-support.js';

// Issue #13 / DESIGN §6.1: requestEmailChange needs the current password; the link goes to the new address and a
// notice without a link to the old one; confirming moves the account (normalised, unique), verified, audited.
let smtp: TestSmtpServer;
const t = useTestServer({
  env: async () => {
    smtp = await startSmtpServer();
    return { ...mailEnv(smtp), RATE_LIMIT_LOGIN_FAILURES: '3' };
  },
});
afterAll(() => smtp?.stop());
const ME = '{ me { id email emailVerified } }';

describe('email change', () => {
  it('mails a link to the new address and a notice to the old one; confirming changes the login email', async () => {
    const box = mailbox(smtp);
    const user = await registerBearer(t.server.url);
    const newEmail = uniqueEmail('moved');
    // Normalised like register: the stored form is trimmed and lower-case.
    const res = await call(
      t.server.url,
      REQUEST_CHANGE,
      { e: `  ${newEmail.toUpperCase()} `, p: PASSWORD },
      { token: user.accessToken },
    );
    expect(res.body).toEqual({ data: { requestEmailChange: true } });

    const confirm = await box.next(newEmail, 'confirm-email');
    expect(confirm.subject).toBe('Confirm your new email address');
    await box.next(user.email, 'verify-email'); // registration's
    const notice = await box.next(user.email);
    expect(notice.subject).toBe('A change of your email address was requested');
    expect(notice.text).toContain(newEmail);
    expect(notice.text).not.toContain('token=');
    expect(notice.html).not.toContain('token=');

    const { token } = linkIn(confirm);
    expect((await call(t.server.url, CONFIRM_CHANGE, { t: token })).body).toEqual({
      data: { confirmEmailChange: true },
    });
    // The session that asked sees the new address on its next request (cached state evicted).
    expect((await gql(t.server.url, ME, {}, { token: user.accessToken })).body.data).toEqual({
      me: { id: user.userId, email: newEmail, emailVerified: true },
    });
    await expect(loginBearer(t.server.url, user.email)).rejects.toThrow(/login failed/);
    await expect(loginBearer(t.server.url, newEmail)).resolves.toMatchObject({ userId: user.userId });
    const audit = await sql<{ type: string }>(
      t.db,
      "select type from audit_events where user_id = $1 and type in ('EMAIL_CHANGE_REQUESTED', 'EMAIL_CHANGED') order by created_at",
      [user.userId],
    );
    expect(audit.map((r) => r.type)).toEqual(['EMAIL_CHANGE_REQUESTED', 'EMAIL_CHANGED']);
    expect(errorShape(await call(t.server.url, CONFIRM_CHANGE, { t: token }))).toEqual(INVALID_LINK_ERROR);
  });

  it('a wrong current password is refused like changePassword, and counts toward the lock-out', async () => {
    expect.assertions(5);
    const user = await registerBearer(t.server.url);
    const wrong = await call(
      t.server.url,
      REQUEST_CHANGE,
      { e: uniqueEmail(), p: 'not my password 1' },
      { token: user.accessToken },
    );
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
    expect(errorReason(wrong)).toBe('INVALID_CREDENTIALS');
    for (let i = 0; i < 2; i++) {
      await call(
        t.server.url,
        REQUEST_CHANGE,
        { e: uniqueEmail(), p: 'not my password 2' },
        { token: user.accessToken },
      );
    }
    const locked = await call(
      t.server.url,
      REQUEST_CHANGE,
      { e: uniqueEmail(), p: PASSWORD },
      { token: user.accessToken },
    );
    expect(locked.status).toBe(429);
    expect(errorCode(locked)).toBe('RATE_LIMITED');
    expect(
      await sql(
        t.db,
        "select count(*)::int as n from mail_outbox where user_id = $1 and template <> 'verify-email'",
        [user.userId],
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('refuses an address that is not one (BAD_USER_INPUT on newEmail)', async () => {
    expect.assertions(2);
    const user = await registerBearer(t.server.url);
    const res = await call(
      t.server.url,
      REQUEST_CHANGE,
      { e: 'not-an-address', p: PASSWORD },
      { token: user.accessToken },
    );
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.extensions?.field).toBe('newEmail');
  });

  it('a taken address: the same true, nothing to that address, the notice to the old one', async () => {
    const box = mailbox(smtp);
    const owner = await registerBearer(t.server.url);
    const user = await registerBearer(t.server.url);
    await box.next(owner.email, 'verify-email');
    const free = await call(
      t.server.url,
      REQUEST_CHANGE,
      { e: uniqueEmail(), p: PASSWORD },
      { token: user.accessToken },
    );
    const taken = await call(
      t.server.url,
      REQUEST_CHANGE,
      { e: owner.email, p: PASSWORD },
      { token: user.accessToken },
    );
    expect(taken.body).toEqual(free.body);
    await box.next(user.email, 'verify-email');
    await box.next(user.email); // notice of the free request
    await box.next(user.email); // notice of the taken request: this transaction is committed
    await t.server.app.mail.drain();
    expect(box.all(owner.email)).toHaveLength(1); // only its own verification mail
    expect(
      await sql(t.db, 'select count(*)::int as n from link_tokens where user_id = $1 and new_email = $2', [
        user.userId,
        owner.email,
      ]),
    ).toEqual([{ n: 0 }]);
  });

  it('an address taken between request and confirmation: INVALID_LINK, never a 500, nothing changed', async () => {
    const box = mailbox(smtp);
    const user = await registerBearer(t.server.url);
    const target = uniqueEmail('race');
    await call(t.server.url, REQUEST_CHANGE, { e: target, p: PASSWORD }, { token: user.accessToken });
    const { token } = linkIn(await box.next(target, 'confirm-email'));
    await registerBearer(t.server.url, target); // someone registers the address first
    const res = await call(t.server.url, CONFIRM_CHANGE, { t: token });
    expect(res.status).toBe(200);
    expect(errorShape(res)).toEqual(INVALID_LINK_ERROR);
    expect(await sql(t.db, 'select email from users where id = $1', [user.userId])).toEqual([
      { email: user.email },
    ]);
  });
});
