import { SessionCache } from '../../../src/sessions/session-cache.js';
import type { SessionState } from '../../../src/sessions/session-state.js';
import { Transport } from '../../../src/authz/transport.js';
import { Role } from '../../../src/authz/role.js';
import { TestClock } from '../../support/clock.js';

const TTL_SEC = 30;

function stateOf(sessionId: string, roles: Role[] = [Role.USER]): SessionState {
  const now = new Date();
  return {
    sessionId,
    transport: Transport.BEARER,
    authTime: now,
    mfa: false,
    idleExpiresAt: new Date(now.getTime() + 3600_000),
    absoluteExpiresAt: new Date(now.getTime() + 86400_000),
    lastSeenAt: now,
    revokedAt: null,
    user: { id: 'user-1', email: 'a@example.com', roles, createdAt: now, emailVerifiedAt: null },
  };
}

/** A database stand-in: counts reads, answers from `rows`, and can hold a read open until released. */
function fakeDatabase() {
  const rows = new Map<string, SessionState>();
  let reads = 0;
  let held: (() => void)[] | undefined;
  return {
    rows,
    reads: () => reads,
    /** Reads started from now on wait for `release()`. */
    hold() {
      held = [];
    },
    release() {
      const waiting = held ?? [];
      held = undefined;
      waiting.forEach((go) => go());
    },
    async load(sessionId: string): Promise<SessionState | null> {
      reads++;
      // The row as it is when the read starts (a snapshot), answered when released.
      const row = rows.get(sessionId) ?? null;
      if (held) await new Promise<void>((go) => held!.push(go));
      return row;
    },
  };
}

function setUp() {
  const db = fakeDatabase();
  const clock = new TestClock();
  const cache = new SessionCache({ load: (id) => db.load(id), clock, ttlMs: TTL_SEC * 1000 });
  cache.setTrusted(true);
  return { db, clock, cache };
}

describe('the session cache', () => {
  it('serves an entry without a read until the TTL has passed', async () => {
    const { db, clock, cache } = setUp();
    db.rows.set('s1', stateOf('s1'));
    await cache.get('s1');
    clock.advance(TTL_SEC - 1);
    await cache.get('s1');
    await cache.get('s1');
    expect(db.reads()).toBe(1);
  });

  it('re-reads an entry once the TTL has passed, so an unannounced change shows within the TTL', async () => {
    const { db, clock, cache } = setUp();
    db.rows.set('s1', stateOf('s1'));
    expect(await cache.get('s1')).not.toBeNull();
    db.rows.delete('s1'); // deleted by an operator, and nothing was announced
    expect(await cache.get('s1')).not.toBeNull();
    clock.advance(TTL_SEC);
    expect(await cache.get('s1')).toBeNull();
    expect(db.reads()).toBe(2);
  });

  it('re-reads an expired entry once for many concurrent requests (no stampede)', async () => {
    const { db, clock, cache } = setUp();
    db.rows.set('s1', stateOf('s1'));
    await cache.get('s1');
    clock.advance(TTL_SEC + 1);
    db.rows.set('s1', stateOf('s1', [Role.USER, Role.ADMIN]));
    db.hold();
    const answers = Array.from({ length: 20 }, () => cache.get('s1'));
    db.release();
    for (const state of await Promise.all(answers)) expect(state?.user.roles).toEqual(['USER', 'ADMIN']);
    expect(db.reads()).toBe(2);
    await cache.get('s1');
    expect(db.reads()).toBe(2);
  });

  it('does not hand a read that started before an eviction to a request that came after it', async () => {
    const { db, clock, cache } = setUp();
    db.rows.set('s1', stateOf('s1'));
    await cache.get('s1');
    clock.advance(TTL_SEC + 1);
    db.hold();
    const before = cache.get('s1'); // reads the live row
    db.rows.set('s1', { ...stateOf('s1'), revokedAt: new Date() });
    cache.evictSession('s1'); // the revocation is heard while that read is in flight
    const after = cache.get('s1');
    db.release();
    expect((await before)?.revokedAt).toBeNull();
    expect((await after)?.revokedAt).not.toBeNull();
    // And the older read was not stored: the next request sees the revocation too.
    expect((await cache.get('s1'))?.revokedAt).not.toBeNull();
  });

  it('keeps the age of an entry when its last-seen moves (our own write says nothing about others)', async () => {
    const { db, clock, cache } = setUp();
    db.rows.set('s1', stateOf('s1'));
    await cache.get('s1');
    clock.advance(TTL_SEC - 1);
    cache.touched('s1', clock.now(), new Date(clock.now().getTime() + 3600_000));
    clock.advance(1);
    await cache.get('s1');
    expect(db.reads()).toBe(2);
  });

  it('reads every time while untrusted (the invalidation channel is down)', async () => {
    const { db, cache } = setUp();
    db.rows.set('s1', stateOf('s1'));
    cache.setTrusted(false);
    await cache.get('s1');
    await cache.get('s1');
    expect(db.reads()).toBe(2);
    expect(cache.size).toBe(0);
  });
});
