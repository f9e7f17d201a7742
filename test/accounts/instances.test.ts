import { gql } from '../support/client.js';
import { useTwoInstances } from '../support/server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { loginBearer, loginCookie, registerBearer } from '../support/users.js';
import { call, linkIn, mailbox, mailEnv, REQUEST_RESET, RESET, VERIFY } from './lifecycle-support.js';

// Two instances on one database: a reset followed on A ends the user's sessions on B at once (both transports),
// and a verification followed on A is seen by B's cached session state on its next request.
let smtp: TestSmtpServer;
const env: Record<string, string> = {};
beforeAll(async () => {
  smtp = await startSmtpServer();
  Object.assign(env, mailEnv(smtp));
});
afterAll(() => smtp?.stop());
const t = useTwoInstances({ env });
const ME = '{ me { id emailVerified } }';

describe('account changes on another instance', () => {
  it('a password reset on A revokes the cookie and bearer sessions used on B, on their next request', async () => {
    const box = mailbox(smtp);
    const user = await registerBearer(t.b.url);
    const browser = await loginCookie(t.b.url, user.email);
    const phone = await loginBearer(t.b.url, user.email);
    // B has the sessions in its cache.
    expect((await gql(t.b.url, ME, {}, { token: phone.accessToken })).status).toBe(200);
    expect((await gql(t.b.url, ME, {}, { jar: browser.jar })).body.data).toMatchObject({
      me: { id: user.userId },
    });

    await call(t.a.url, REQUEST_RESET, { e: user.email });
    const { token } = linkIn(await box.next(user.email, 'reset-password'));
    expect((await call(t.a.url, RESET, { t: token, p: 'reset on instance A' })).body).toEqual({
      data: { resetPassword: true },
    });

    expect((await gql(t.b.url, ME, {}, { token: phone.accessToken })).status).toBe(401);
    expect((await gql(t.b.url, ME, {}, { token: user.accessToken })).status).toBe(401);
    expect((await gql(t.b.url, ME, {}, { jar: browser.jar })).body.data).toEqual({ me: null });
  });

  it('a verification on A reaches the session state B has cached', async () => {
    const box = mailbox(smtp);
    const user = await registerBearer(t.b.url);
    expect((await gql(t.b.url, ME, {}, { token: user.accessToken })).body.data).toEqual({
      me: { id: user.userId, emailVerified: false },
    });
    const { token } = linkIn(await box.next(user.email, 'verify-email'));
    expect((await call(t.a.url, VERIFY, { t: token })).body).toEqual({ data: { verifyEmail: true } });
    expect((await gql(t.b.url, ME, {}, { token: user.accessToken })).body.data).toEqual({
      me: { id: user.userId, emailVerified: true },
    });
  });
});
