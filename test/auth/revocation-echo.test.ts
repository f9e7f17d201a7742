import type { Em } from '../../src/db/types.js';
import type { Invalidation } from '../../src/sessions/invalidation.js';
import type { Invalidations } from '../../src/sessions/invalidations.js';
import { RevokeReason } from '../../src/sessions/session.entity.js';
import { errorReason, gql } from '../support/client.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { registerBearer } from '../support/users.js';

/*
 * Why a revocation waits for its own echo, on the embedded database. There every listener is called during the
 * commit, so nothing here would show a missing wait; the gate below gives the channel a latency instead: it holds
 * what the listeners hear until one turn of the event loop after the commit has returned, then delivers it B's copy
 * first, as one process's PGlite does. (On PostgreSQL each listening connection gets its copy on its own schedule:
 * there A also waits for B's confirmation — test/auth/multi-instance.test.ts.)
 */

let db: TestDatabase;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await startServer(db);
  b = await startServer(db);
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await db?.close();
});

const ME = '{ me { id } }';

/** Holds invalidations heard by B's listener and A's echoes until `open()`; then B's copy first, A's after it. */
function channelGate(revoking: Invalidations, other: Invalidations) {
  const keyOf = (invalidation: Invalidation) => `${invalidation.kind}:${invalidation.id}`;
  const evict = other.evict.bind(other);
  const heard = revoking.echoes.heard.bind(revoking.echoes);
  const forOther: Invalidation[] = [];
  const forRevoking: Invalidation[] = [];
  const reachedOther = new Set<string>();
  const order: string[] = [];
  let open = false;
  const deliver = () => {
    if (!open) return;
    for (const invalidation of forOther.splice(0)) {
      evict(invalidation);
      reachedOther.add(keyOf(invalidation));
      order.push('B evicted');
    }
    for (const invalidation of forRevoking.splice(0)) {
      if (!reachedOther.has(keyOf(invalidation))) {
        forRevoking.push(invalidation); // B has not been told yet (PostgreSQL): A's echo waits for it
        continue;
      }
      heard(invalidation);
      order.push('A heard its echo');
    }
  };
  const spies = [
    jest.spyOn(other, 'evict').mockImplementation((invalidation) => {
      forOther.push(invalidation);
      deliver();
    }),
    jest.spyOn(revoking.echoes, 'heard').mockImplementation((invalidation) => {
      forRevoking.push(invalidation);
      deliver();
    }),
  ];
  return {
    order,
    open() {
      open = true;
      deliver();
    },
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

describe('a revocation answers only after its announcement has come back', () => {
  it('B refuses a session revoked through A the moment A’s revoke returns, though B hears it late', async () => {
    const user = await registerBearer(a.url);
    expect((await gql(b.url, ME, {}, { token: user.accessToken })).status).toBe(200); // B has it cached now
    const gate = channelGate(a.app.invalidations, b.app.invalidations);
    const order = gate.order;
    try {
      const em = a.app.db.orm.em.fork() as Em;
      const commit = em.transactional.bind(em);
      // The channel's latency: nothing is delivered until the event loop turns once after the commit returned.
      em.transactional = (async (work: Parameters<Em['transactional']>[0]) => {
        const result = await commit(work);
        setImmediate(() => gate.open());
        return result;
      }) as Em['transactional'];
      const revoked = await a.app.sessions.revoke(em, user.sessionId, RevokeReason.LOGOUT);
      order.push('A answered');
      // The very next request to B, decided before anything else can run: from B's cache unless evicted.
      const onB = await b.app.sessions.check(user.sessionId);
      expect(revoked).toBe(true);
      expect(onB).toEqual({ ok: false, reason: 'SESSION_REVOKED' });
      // (On PostgreSQL with the out-of-band triggers an announcement may arrive twice: look at the first of each.)
      const first = (event: string) => order.indexOf(event);
      expect(first('B evicted')).toBeGreaterThanOrEqual(0);
      expect(first('A heard its echo')).toBeGreaterThan(first('B evicted'));
      expect(first('A answered')).toBeGreaterThan(first('A heard its echo'));
    } finally {
      gate.restore();
    }
    const next = await gql(b.url, ME, {}, { token: user.accessToken });
    expect(next.status).toBe(401);
    expect(errorReason(next)).toBe('SESSION_REVOKED');
  });
});
