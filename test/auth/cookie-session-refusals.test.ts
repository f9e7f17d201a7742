import { errorCode, gql, type GqlResponse } from '../support/client.js';
import { sql } from '../support/database.js';
import { testKeys, testSessionSecret } from '../support/keys.js';
import { TEST_SMTP_URL } from '../support/production-env.js';
import { startServer, useTestServer, type TestServer } from '../support/server.js';
import { PASSWORD, registerBearer, uniqueEmail } from '../support/users.js';

// A cookie session that cannot reach the client is refused before anything is written: no user, no Session row,
// no audit row, no rate-limit counter touched (and so no orphan session that lives on unseen).
const t = useTestServer({ env: { RATE_LIMIT_LOGIN_FAILURES: '2' } });

const AUTH = (mutation: 'login' | 'register', transport: 'COOKIE' | 'BEARER') =>
  `mutation($e: String!, $p: String!) { ${mutation}(email: $e, password: $p, transport: ${transport}) { user { id } session { id } } }`;

/** What a refused attempt must not change. */
async function footprint(): Promise<Record<string, string>> {
  const [row] = await sql<Record<string, string>>(
    t.db,
    `select (select count(*) from users) as users, (select count(*) from sessions) as sessions,
            (select count(*) from audit_events) as audit`,
  );
  return row!;
}

function expectRefused(res: GqlResponse<unknown>, message: RegExp): void {
  expect(errorCode(res)).toBe('BAD_REQUEST');
  expect(res.body.errors![0]!.message).toMatch(message);
  expect(res.body.data).toBeNull();
  expect(res.headers.getSetCookie()).toEqual([]);
}

describe('a cookie session on a bearer-authenticated request', () => {
  it('a cookie login is refused up front: no session, no audit row, no reset of the failure count', async () => {
    expect.assertions(7);
    const { email, accessToken } = await registerBearer(t.server.url);
    // One failure of two: the refused login below, had it checked the password, would have reset this count.
    const wrong = await gql(t.server.url, AUTH('login', 'BEARER'), { e: email, p: 'not the password' });
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
    const before = await footprint();
    const res = await gql(
      t.server.url,
      AUTH('login', 'COOKIE'),
      { e: email, p: PASSWORD },
      { token: accessToken },
    );
    expectRefused(res, /cookie session cannot be started on a bearer-authenticated request/);
    expect(await footprint()).toEqual(before);
    // The count was not reset: the second failure locks this account+IP out.
    await gql(t.server.url, AUTH('login', 'BEARER'), { e: email, p: 'not the password' });
    const locked = await gql(t.server.url, AUTH('login', 'BEARER'), { e: email, p: PASSWORD });
    expect(errorCode(locked)).toBe('RATE_LIMITED');
  });

  it('a cookie registration is refused up front: no user, no session, no audit row', async () => {
    const { accessToken } = await registerBearer(t.server.url);
    const before = await footprint();
    const email = uniqueEmail('cookie-on-bearer');
    const res = await gql(
      t.server.url,
      AUTH('register', 'COOKIE'),
      { e: email, p: PASSWORD },
      { token: accessToken },
    );
    expectRefused(res, /cookie session cannot be started on a bearer-authenticated request/);
    expect(await footprint()).toEqual(before);
    expect(await sql(t.db, 'select id from users where email = $1', [email])).toEqual([]);
  });
});

describe('a production server reached over plain HTTP, without a trusted proxy', () => {
  let production: TestServer;
  beforeAll(async () => {
    production = await startServer(t.db, {
      env: {
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://auth.example.com',
        JWT_KEYS: JSON.stringify({ keys: await testKeys() }),
        SESSION_SECRETS: testSessionSecret,
        SMTP_URL: TEST_SMTP_URL,
      },
    });
  });
  afterAll(() => production?.stop());

  it('refuses a cookie login before the password check: no session, no audit row, no cookie', async () => {
    const { email } = await registerBearer(production.url);
    const before = await footprint();
    const res = await gql(production.url, AUTH('login', 'COOKIE'), { e: email, p: PASSWORD });
    expectRefused(res, /^Cookie sessions need HTTPS \(set TRUST_PROXY behind a TLS proxy\)$/);
    expect(await footprint()).toEqual(before);
  });

  it('refuses a cookie registration before the account is created', async () => {
    const before = await footprint();
    const email = uniqueEmail('plain-http');
    const res = await gql(production.url, AUTH('register', 'COOKIE'), { e: email, p: PASSWORD });
    expectRefused(res, /Cookie sessions need HTTPS/);
    expect(await footprint()).toEqual(before);
  });

  it('does not take X-Forwarded-Proto from a peer that is not a trusted proxy', async () => {
    const { email } = await registerBearer(production.url);
    const before = await footprint();
    const res = await gql(
      production.url,
      AUTH('login', 'COOKIE'),
      { e: email, p: PASSWORD },
      { headers: { 'x-forwarded-proto': 'https' } },
    );
    expectRefused(res, /Cookie sessions need HTTPS/);
    expect(await footprint()).toEqual(before);
  });

  it('still serves bearer clients over plain HTTP', async () => {
    const { email } = await registerBearer(production.url);
    const res = await gql<{ login: { session: { id: string } } }>(production.url, AUTH('login', 'BEARER'), {
      e: email,
      p: PASSWORD,
    });
    expect(res.body.data?.login.session.id).toEqual(expect.any(String));
  });
});
