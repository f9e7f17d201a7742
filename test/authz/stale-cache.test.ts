import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { createPrincipal, LENIENT_LIMITS, signIn } from './callers.js';

/*
 * A regression test. A request's last-seen write runs in the background; it once put the whole SessionState
 * captured at the start of the request back into the cache when the write finished. If the user's roles changed
 * (or the session was revoked) meanwhile and another request had reloaded the session, the old roles came back,
 * with no further invalidation coming to remove them. Now only the timestamps move.
 *
 * The interleaving is forced with the sessions of one instance: request 1 holds `before`; the roles change and
 * are announced; request 2 reloads; request 1's last-seen write completes last (awaited, not slept on).
 */

const t = useTestServer({ env: LENIENT_LIMITS });

it('a last-seen write finishing after a role change does not bring the old roles back', async () => {
  const user = await createPrincipal(t.server.url, t.db);
  const caller = await signIn(t.server.url, user, 'BEARER');
  const { sessions, cache } = t.server.app;
  const before = await sessions.check(caller.sessionId!);
  if (!before.ok) throw new Error('the session should be live');

  t.server.clock.advance(61); // last-seen is due for a write
  await sql(t.db, `update users set roles = '{USER,ADMIN}' where id = $1`, [user.userId]);
  cache.evictUser(user.userId); // what the NOTIFY does on every instance
  const reloaded = await sessions.check(caller.sessionId!);
  expect(reloaded.ok && reloaded.state.user.roles).toEqual(['USER', 'ADMIN']);

  expect(sessions.touch(before.state)).toBe(true); // request 1's background write, completing last
  await sessions.settled();
  // The write has landed in the cache (so what follows is checked after it, not before).
  const cached = await sessions.check(caller.sessionId!);
  if (!cached.ok) throw new Error('the session should be live');
  expect(cached.state.lastSeenAt.getTime()).toBeGreaterThan(before.state.lastSeenAt.getTime() + 60_000);

  const res = await caller.call('{ me { roles } users { id } }');
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data).toMatchObject({ me: { roles: ['USER', 'ADMIN'] } });
});
