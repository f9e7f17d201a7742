import { errorReason, gql } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTwoInstances } from '../support/server.js';
import { loginBearer, loginCookie, registerBearer } from '../support/users.js';

// Two app instances on one database, as behind a load balancer: a revocation through one must bite on the very
// next request through the other, while the other answers authenticated requests from its cache.
const t = useTwoInstances();

const ME = '{ me { id } }';

/** Resolves when `app`'s listener is back (its cache trusted again); one that never comes back fails the timeout. */
function listeningAgain(app: typeof t.a.app): Promise<void> {
  const cache = app.cache;
  const setTrusted = cache.setTrusted.bind(cache);
  return new Promise((resolve) => {
    const spy = jest.spyOn(cache, 'setTrusted').mockImplementation((trusted) => {
      setTrusted(trusted);
      if (!trusted) return;
      spy.mockRestore();
      resolve();
    });
  });
}

describe('revocation across instances', () => {
  it('a bearer session revoked through A is rejected by B on the next request', async () => {
    const login = await registerBearer(t.a.url);
    expect((await gql(t.b.url, ME, {}, { token: login.accessToken })).status).toBe(200); // B has it cached now
    await gql(t.a.url, 'mutation { logout }', {}, { token: login.accessToken });
    const next = await gql(t.b.url, ME, {}, { token: login.accessToken });
    expect(next.status).toBe(401);
    expect(errorReason(next)).toBe('SESSION_REVOKED');
  });

  it('a cookie session revoked through A is anonymous on B on the next request', async () => {
    const user = await registerBearer(t.a.url);
    const browser = await loginCookie(t.b.url, user.email);
    expect((await gql<{ me: { id: string } }>(t.b.url, ME, {}, { jar: browser.jar })).body.data?.me.id).toBe(
      user.userId,
    );
    const res = await gql(
      t.a.url,
      'mutation($id: ID!) { revokeSession(id: $id) }',
      { id: browser.sessionId },
      { token: user.accessToken },
    );
    expect(res.body.data).toEqual({ revokeSession: true });
    expect((await gql(t.b.url, ME, {}, { jar: browser.jar })).body.data).toEqual({ me: null });
  });

  it('logoutAll through B reaches sessions cached by A', async () => {
    const user = await registerBearer(t.a.url);
    const second = await loginBearer(t.a.url, user.email);
    expect((await gql(t.a.url, ME, {}, { token: second.accessToken })).status).toBe(200);
    await gql(t.b.url, 'mutation { logoutAll }', {}, { token: user.accessToken });
    expect((await gql(t.a.url, ME, {}, { token: second.accessToken })).status).toBe(401);
  });

  const onPostgres = process.env.TEST_DATABASE_URL ? it : it.skip;
  onPostgres('still holds after the listening connection is killed (pg_terminate_backend)', async () => {
    const user = await registerBearer(t.a.url);
    expect((await gql(t.b.url, ME, {}, { token: user.accessToken })).status).toBe(200);
    const back = Promise.all([listeningAgain(t.a.app), listeningAgain(t.b.app)]);
    const killed = await sql<{ pid: number }>(
      t.db,
      `select pg_terminate_backend(pid), pid from pg_stat_activity
        where application_name = 'gatehouse-listener' and datname = current_database()`,
    );
    expect(killed.length).toBe(2); // one listener per instance
    // Revoke at once, before the listeners can have reconnected.
    await gql(t.a.url, 'mutation { logout }', {}, { token: user.accessToken });
    const next = await gql(t.b.url, ME, {}, { token: user.accessToken });
    expect(next.status).toBe(401);
    expect(errorReason(next)).toBe('SESSION_REVOKED');
    // The listeners come back, and invalidation works through them again.
    await back;
    const again = await registerBearer(t.a.url);
    expect((await gql(t.b.url, ME, {}, { token: again.accessToken })).status).toBe(200);
    await gql(t.a.url, 'mutation { logout }', {}, { token: again.accessToken });
    expect((await gql(t.b.url, ME, {}, { token: again.accessToken })).status).toBe(401);
  });
});
