import { gql, type CookieJar } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { loginCookie, registerBearer, type BearerLogin } from '../support/users.js';

/*
 * The hot path. An authenticated request is decided from this instance's memory (the verified token or cookie,
 * then the cached session state): no SQL at all in the steady state. Once a minute a session in use writes its
 * last-seen in the background, and a cookie is then renewed with the moved idle expiry; the test awaits that write
 * (`sessions.settled()`), it does not sleep.
 */

// At debug level the ORM logs every statement it runs: that is what is counted.
const t = useTestServer({ env: { LOG_LEVEL: 'debug' } });

const ME = '{ me { id } }';

/** SQL statements the server ran while `work` ran. */
async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  await t.server.app.sessions.settled();
  const from = t.server.logs.length;
  await work();
  await t.server.app.sessions.settled();
  return t.server.logs
    .slice(from)
    .map((line) => (JSON.parse(line) as { orm?: string }).orm)
    .filter((orm): orm is string => orm?.startsWith('[query]') === true);
}

let bearer: BearerLogin;
let jar: CookieJar;
let cookieSessionId: string;
beforeAll(async () => {
  bearer = await registerBearer(t.server.url);
  ({ jar, sessionId: cookieSessionId } = await loginCookie(t.server.url, bearer.email));
});

const byToken = () => gql(t.server.url, ME, {}, { token: bearer.accessToken });
const byCookie = () => gql(t.server.url, ME, {}, { jar });

describe('the steady state of an authenticated request', () => {
  it('runs no SQL, by token and by cookie, once the session is cached', async () => {
    await byToken();
    await byCookie();
    const statements = await statementsDuring(async () => {
      for (let i = 0; i < 5; i++) {
        expect((await byToken()).body.data).toEqual({ me: { id: bearer.userId } });
        expect((await byCookie()).body.data).toEqual({ me: { id: bearer.userId } });
      }
    });
    expect(statements).toEqual([]);
  });

  it('the counting sees SQL at all (the control: a new cookie is looked up once)', async () => {
    const other = await loginCookie(t.server.url, bearer.email);
    const statements = await statementsDuring(() => gql(t.server.url, ME, {}, { jar: other.jar }));
    expect(statements.length).toBeGreaterThan(0);
  });

  it('writes last-seen once a minute per session, in the background, and renews the cookie then', async () => {
    t.server.clock.advance(61);
    let renewed: string[] = [];
    const statements = await statementsDuring(async () => {
      await byToken();
      renewed = (await byCookie()).headers.getSetCookie();
    });
    expect(statements.filter((s) => /update "sessions"/.test(s))).toHaveLength(2);
    expect(renewed.some((c) => /^sid=s%3A/.test(c) && /Max-Age=/i.test(c))).toBe(true);
    const rows = await sql<{ id: string; last_seen_at: Date }>(
      t.db,
      'select id, last_seen_at from sessions where id = any($1)',
      [[bearer.sessionId, cookieSessionId]],
    );
    for (const row of rows) {
      expect(new Date(row.last_seen_at).getTime()).toBeGreaterThan(t.server.clock.now().getTime() - 10_000);
    }
    // Within the minute that follows: no write, no Set-Cookie, no SQL.
    const quiet = await statementsDuring(async () => {
      await byToken();
      expect((await byCookie()).headers.getSetCookie()).toEqual([]);
    });
    expect(quiet).toEqual([]);
  });
});
