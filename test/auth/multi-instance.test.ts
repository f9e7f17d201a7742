import type { Em } from '../../src/db/types.js';
import type { Invalidations } from '../../src/sessions/invalidations.js';
import { RevokeReason } from '../../src/sessions/session.entity.js';
import { errorReason, gql } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTwoInstances } from '../support/server.js';
import { loginBearer, loginCookie, registerBearer } from '../support/users.js';
import { settled } from '../support/settled.js';

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

/** Holds what `app`'s listener hears (no eviction, no confirmation) until `release()`; `arrived` once one has. */
function holdListener(app: typeof t.b.app) {
  const hear = app.invalidations.hear.bind(app.invalidations);
  const held: Parameters<Invalidations['hear']>[] = [];
  let arrived!: () => void;
  const announced = new Promise<void>((resolve) => (arrived = resolve));
  const spy = jest.spyOn(app.invalidations, 'hear').mockImplementation((...args) => {
    held.push(args);
    if (args[1] !== undefined) arrived(); // stamped: announce()'s copy, not only a trigger's
  });
  return {
    announced,
    release() {
      spy.mockRestore();
      for (const args of held.splice(0)) hear(...args);
    },
  };
}

/** The order in which `app` hears confirmations, by listener pid, and a promise for the first. */
function recordConfirmations(app: typeof t.a.app, order: string[]) {
  const confirmations = app.invalidations.confirmations;
  const confirmed = confirmations.confirmed.bind(confirmations);
  let first!: () => void;
  const firstHeard = new Promise<void>((resolve) => (first = resolve));
  const spy = jest.spyOn(confirmations, 'confirmed').mockImplementation((payload, pid) => {
    order.push(`confirmed by ${pid}`);
    first();
    confirmed(payload, pid);
  });
  return { firstHeard, restore: () => spy.mockRestore() };
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

  // PostgreSQL hands each listening connection its copy on its own: A hearing its own echo says nothing about B.
  // Here B's copy is held as long as the test likes, so a revoke that answered on its echo alone would be seen.
  onPostgres(
    'a revocation through A answers only once B has confirmed evicting it, however late B hears it',
    async () => {
      const user = await registerBearer(t.a.url);
      expect((await gql(t.b.url, ME, {}, { token: user.accessToken })).status).toBe(200); // B has it cached now
      const order: string[] = [];
      const onB = holdListener(t.b.app);
      const onA = recordConfirmations(t.a.app, order);
      try {
        const revoking = t.a.app.sessions.revoke(
          t.a.app.db.orm.em.fork() as Em,
          user.sessionId,
          RevokeReason.LOGOUT,
        );
        void revoking.then(() => order.push('A answered'));
        await onA.firstHeard; // A's own listener: it has heard its echo and confirmed it
        expect(await settled(revoking)).toBe(false);
        await onB.announced;
        expect(await settled(revoking)).toBe(false); // B has the announcement but has not evicted it
        onB.release();
        expect(await revoking).toBe(true);
        expect(await t.b.app.sessions.check(user.sessionId)).toEqual({
          ok: false,
          reason: 'SESSION_REVOKED',
        });
        const confirmedBy = new Set(order.filter((event) => event.startsWith('confirmed by')));
        expect(confirmedBy.size).toBe(2); // A's listener and B's
        expect(order.at(-1)).toBe('A answered');
      } finally {
        onB.release();
        onA.restore();
      }
    },
  );

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
