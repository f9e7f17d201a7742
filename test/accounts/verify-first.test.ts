import { errorCode, errorReason, gql } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { loginBearer, PASSWORD, uniqueEmail } from '../support/users.js';
import { call, linkIn, mailbox, mailEnv, VERIFY } from './lifecycle-support.js';

// Issue #13: REGISTRATION=verify-first answers register exactly alike for a new and a taken address, and opens no
// session before the mailed link is followed; the owner of a taken address is told by mail instead.
let smtp: TestSmtpServer;
const t = useTestServer({
  env: async () => {
    smtp = await startSmtpServer();
    return { ...mailEnv(smtp), REGISTRATION: 'verify-first' };
  },
});
afterAll(() => smtp?.stop());

const REGISTER = `mutation($e: String!, $p: String!, $tr: Transport) {
  register(email: $e, password: $p, transport: $tr) {
    user { id email } session { id } accessToken refreshToken deviceToken emailVerificationPending
  }
}`;

/** The whole answer as a client gets it: status, every header a client could tell apart, and the body bytes. */
async function register(email: string, transport: 'COOKIE' | 'BEARER' = 'COOKIE') {
  const res = await fetch(t.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: REGISTER, variables: { e: email, p: PASSWORD, tr: transport } }),
  });
  const headers = [...res.headers].filter(([name]) => !['date', 'x-request-id'].includes(name));
  return { status: res.status, headers, body: await res.text() };
}

async function sessionsOf(email: string): Promise<number> {
  const rows = await sql<{ n: number }>(
    t.db,
    'select count(*)::int as n from sessions s join users u on u.id = s.user_id where u.email = $1',
    [email],
  );
  return rows[0]!.n;
}

describe('REGISTRATION=verify-first', () => {
  it('answers a new and a taken address byte for byte alike, and opens no session for either', async () => {
    const box = mailbox(smtp);
    const taken = uniqueEmail('taken');
    await register(taken);
    const fresh = uniqueEmail('fresh');
    for (const transport of ['COOKIE', 'BEARER'] as const) {
      const first = await register(transport === 'COOKIE' ? fresh : uniqueEmail('fresh'), transport);
      const again = await register(taken, transport);
      expect(again).toEqual(first);
      expect(JSON.parse(first.body)).toEqual({
        data: {
          register: {
            user: null,
            session: null,
            accessToken: null,
            refreshToken: null,
            deviceToken: null,
            emailVerificationPending: true,
          },
        },
      });
      expect(first.headers.map(([name]) => name)).not.toContain('set-cookie');
    }
    expect(await sessionsOf(taken)).toBe(0);
    expect(await sessionsOf(fresh)).toBe(0);

    // The new address got its link; the taken one its "someone tried" mail (no link), audited.
    expect(linkIn(await box.next(fresh, 'verify-email')).page).toBe('verify-email');
    await box.next(taken, 'verify-email'); // its own first registration
    const attempt = await box.next(taken);
    expect(attempt.subject).toBe('Someone tried to register with your email address');
    expect(attempt.text).not.toContain('token=');
    const audit = await sql(
      t.db,
      "select e.type from audit_events e join users u on u.id = e.user_id where u.email = $1 and e.type = 'REGISTRATION_EMAIL_TAKEN'",
      [taken],
    );
    expect(audit).toHaveLength(2); // one per transport above
  });

  it('refuses login before verification (FORBIDDEN EMAIL_NOT_VERIFIED, only with the right password), then lets in', async () => {
    const box = mailbox(smtp);
    const email = uniqueEmail('pending');
    await register(email);
    const wrong = await gql(
      t.server.url,
      'mutation($e: String!) { login(email: $e, password: "wrong password 9") { user { id } } }',
      { e: email },
    );
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED'); // a wrong password learns nothing
    const early = await gql(
      t.server.url,
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { id } } }',
      { e: email, p: PASSWORD },
    );
    expect(errorCode(early)).toBe('FORBIDDEN');
    expect(errorReason(early)).toBe('EMAIL_NOT_VERIFIED');
    expect(early.headers.getSetCookie()).toEqual([]);
    expect(await sessionsOf(email)).toBe(0);

    // The refused owner got a fresh link (an expired or lost one is no dead end), which voided registration's:
    // of the two mailed links (delivered in either order), exactly one works.
    const links = [await box.next(email, 'verify-email'), await box.next(email, 'verify-email')];
    const answers = [];
    for (const mail of links) answers.push(await call(t.server.url, VERIFY, { t: linkIn(mail).token }));
    expect(answers.map((a) => a.body.data?.verifyEmail ?? errorReason(a)).sort()).toEqual(
      [true, 'INVALID_LINK'].sort(),
    );
    await expect(loginBearer(t.server.url, email)).resolves.toMatchObject({ email });
  });

  it('still refuses a weak password or a malformed address up front (those depend on the input only)', async () => {
    expect.assertions(2);
    const weak = await gql(t.server.url, REGISTER, { e: uniqueEmail(), p: 'password123' });
    expect(errorCode(weak)).toBe('BAD_USER_INPUT');
    const malformed = await gql(t.server.url, REGISTER, { e: 'nobody', p: PASSWORD });
    expect(errorCode(malformed)).toBe('BAD_USER_INPUT');
  });
});
