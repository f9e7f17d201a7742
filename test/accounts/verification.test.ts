import { errorCode, errorReason, gql } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { loginCookie, registerBearer } from '../support/users.js';
import { notesModule } from '../../examples/notes/module.js';
import {
  APP_URL,
  call,
  linkIn,
  mailbox,
  mailEnv,
  REQUEST_VERIFICATION,
  VERIFY,
} from './lifecycle-support.js';

// Issue #13 / DESIGN §6.1: registration mails a verification link, requestEmailVerification resends it (limited per
// user), verifyEmail marks the address verified, and @auth(verified: true) (the notes example's createNote) lets
// the caller through on the very next request of the same session.
let smtp: TestSmtpServer;
const t = useTestServer({
  modules: [notesModule],
  env: async () => {
    smtp = await startSmtpServer();
    return { ...mailEnv(smtp), RATE_LIMIT_ACCOUNT_MAIL_PER_USER: '2' };
  },
});
afterAll(() => smtp?.stop());
const ME = '{ me { id emailVerified } }';
const CREATE_NOTE = 'mutation { createNote(title: "t", body: "b") { id } }';

describe('email verification', () => {
  it('registration mails the link to APP_URL/verify-email, with the REGISTERED transaction', async () => {
    const user = await registerBearer(t.server.url);
    const mail = await mailbox(smtp).next(user.email);
    expect(mail.subject).toMatch(/verify|confirm/i);
    expect(mail.text).toMatch(new RegExp(`${APP_URL}/verify-email\\?token=[A-Za-z0-9_-]{43}`));
    const audit = await sql<{ type: string }>(
      t.db,
      "select type from audit_events where user_id = $1 and type in ('REGISTERED', 'EMAIL_VERIFICATION_REQUESTED') order by type",
      [user.userId],
    );
    expect(audit.map((r) => r.type)).toEqual(['EMAIL_VERIFICATION_REQUESTED', 'REGISTERED']);
  });

  it('createNote (verified: true) is FORBIDDEN EMAIL_NOT_VERIFIED until the link is followed, then allowed at once', async () => {
    const box = mailbox(smtp);
    const user = await registerBearer(t.server.url);
    const browser = await loginCookie(t.server.url, user.email);
    const { token } = linkIn(await box.next(user.email, 'verify-email'));

    const denied = await gql(t.server.url, CREATE_NOTE, {}, { token: user.accessToken });
    expect(denied.body.data).toEqual({ createNote: null });
    expect(errorCode(denied)).toBe('FORBIDDEN');
    expect(errorReason(denied)).toBe('EMAIL_NOT_VERIFIED');
    expect((await gql(t.server.url, ME, {}, { jar: browser.jar })).body.data).toEqual({
      me: { id: user.userId, emailVerified: false },
    });

    // Followed anonymously (another browser): the two sessions above see it on their next request.
    expect((await call(t.server.url, VERIFY, { t: token })).body).toEqual({ data: { verifyEmail: true } });
    const allowed = await gql(t.server.url, CREATE_NOTE, {}, { token: user.accessToken });
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data).toEqual({ createNote: { id: expect.any(String) } });
    expect((await gql(t.server.url, ME, {}, { jar: browser.jar })).body.data).toEqual({
      me: { id: user.userId, emailVerified: true },
    });
    const audit = await sql(
      t.db,
      "select user_id from audit_events where type = 'EMAIL_VERIFIED' and user_id = $1",
      [user.userId],
    );
    expect(audit).toHaveLength(1);
  });

  it('an operator who verifies an address in SQL reaches the cached session state too (the users trigger)', async () => {
    const user = await registerBearer(t.server.url);
    expect((await gql(t.server.url, ME, {}, { token: user.accessToken })).body.data).toEqual({
      me: { id: user.userId, emailVerified: false },
    });
    // Waits for this instance's listener to hear the trigger's announcement (an event, not a timer).
    const echo = t.server.app.invalidations.echoes.expect({ kind: 'user', id: user.userId });
    await sql(t.db, 'update users set email_verified_at = now() where id = $1', [user.userId]);
    await echo.wait();
    expect((await gql(t.server.url, ME, {}, { token: user.accessToken })).body.data).toEqual({
      me: { id: user.userId, emailVerified: true },
    });
  });

  it('requestEmailVerification resends a link; a verified address gets true and no mail', async () => {
    const box = mailbox(smtp);
    const user = await registerBearer(t.server.url);
    await box.next(user.email, 'verify-email');
    const resent = await call(t.server.url, REQUEST_VERIFICATION, {}, { token: user.accessToken });
    expect(resent.body).toEqual({ data: { requestEmailVerification: true } });
    const { token } = linkIn(await box.next(user.email, 'verify-email'));
    await call(t.server.url, VERIFY, { t: token });

    const again = await call(t.server.url, REQUEST_VERIFICATION, {}, { token: user.accessToken });
    expect(again.body).toEqual({ data: { requestEmailVerification: true } });
    const rows = await sql(
      t.db,
      "select id from mail_outbox where template = 'verify-email' and user_id = $1",
      [user.userId],
    );
    expect(rows).toHaveLength(2); // registration's and the resend, nothing for the verified address
  });

  it('requestEmailVerification is limited per user (429 RATE_LIMITED) and needs a session', async () => {
    expect.assertions(5);
    const user = await registerBearer(t.server.url);
    for (let i = 0; i < 2; i++) {
      await call(t.server.url, REQUEST_VERIFICATION, {}, { token: user.accessToken });
    }
    const limited = await call(t.server.url, REQUEST_VERIFICATION, {}, { token: user.accessToken });
    expect(limited.status).toBe(429);
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    const anonymous = await call(t.server.url, REQUEST_VERIFICATION);
    expect(anonymous.body.data).toEqual({ requestEmailVerification: null });
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
  });
});
