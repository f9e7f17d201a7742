import { pino } from 'pino';
import { Role } from '../../../src/authz/role.js';
import { Transport } from '../../../src/authz/transport.js';
import { createSessionAdmission } from '../../../src/sessions/session-admission.js';
import { SessionCache } from '../../../src/sessions/session-cache.js';
import type { SessionState } from '../../../src/sessions/session-state.js';
import { TestClock } from '../../support/clock.js';
import { settled } from '../../support/settled.js';

const SESSION = '11111111-1111-4111-8111-111111111111';
const USER = '22222222-2222-4222-8222-222222222222';
const IDLE_TTL_MS = 3600_000;

/** A session row, and the last-seen writes made to it: each one held until the test lets it finish. */
function fakeDatabase(clock: TestClock) {
  const now = clock.now();
  const db = {
    row: {
      sessionId: SESSION,
      transport: Transport.BEARER,
      authTime: now,
      mfa: false,
      idleExpiresAt: new Date(now.getTime() + IDLE_TTL_MS),
      absoluteExpiresAt: new Date(now.getTime() + 30 * 86400_000),
      lastSeenAt: now,
      revokedAt: null,
      user: {
        id: USER,
        email: 'alice@example.com',
        roles: [Role.USER],
        createdAt: now,
        emailVerifiedAt: null,
      },
    } as SessionState | null,
    reads: 0,
    writes: [] as { finish: (error?: Error) => void }[],
    async load(): Promise<SessionState | null> {
      db.reads++;
      return db.row;
    },
    /** Like the real write: only a session that is not revoked moves. */
    recordActivity(_sessionId: string, lastSeenAt: Date, idleExpiresAt: Date): Promise<number> {
      return new Promise((resolve, reject) =>
        db.writes.push({
          finish: (error) => {
            if (error) return reject(error);
            if (!db.row || db.row.revokedAt) return resolve(0);
            db.row = { ...db.row, lastSeenAt, idleExpiresAt };
            resolve(1);
          },
        }),
      );
    },
  };
  return db;
}

function setUp() {
  const clock = new TestClock();
  const db = fakeDatabase(clock);
  const cache = new SessionCache({ load: () => db.load(), clock, ttlMs: 30_000 });
  cache.setTrusted(true);
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
  const sessions = createSessionAdmission({
    cache,
    clock,
    logger,
    idleExpiry: (now) => new Date(now.getTime() + IDLE_TTL_MS),
    recordActivity: (...args) => db.recordActivity(...args),
  });
  return { clock, db, cache, sessions, warnings };
}

describe('admit: one check for both transports', () => {
  it('admits a live session on the transport it was started on, with its state', async () => {
    const { clock, sessions } = setUp();
    const admission = await sessions.admit(SESSION, Transport.BEARER, clock.now(), USER);
    expect(admission).toMatchObject({
      ok: true,
      touched: false,
      state: { sessionId: SESSION, user: { id: USER } },
    });
  });

  it('refuses a session started on the other transport (a cookie session’s id in a token, or the reverse)', async () => {
    const { clock, db, sessions } = setUp();
    clock.advance(61); // a write would be due: it must not happen for a refused credential
    expect(await sessions.admit(SESSION, Transport.COOKIE, clock.now())).toEqual({
      ok: false,
      reason: 'TRANSPORT_MISMATCH',
    });
    expect(db.writes).toHaveLength(0);
  });

  it('refuses a credential naming another user than the session’s', async () => {
    const { clock, db, sessions } = setUp();
    clock.advance(61);
    const other = '33333333-3333-4333-8333-333333333333';
    expect(await sessions.admit(SESSION, Transport.BEARER, clock.now(), other)).toEqual({
      ok: false,
      reason: 'USER_MISMATCH',
    });
    expect(db.writes).toHaveLength(0);
  });

  it('refuses an idle-expired session as SESSION_EXPIRED, and a revoked or missing one as SESSION_REVOKED', async () => {
    const { clock, db, cache, sessions } = setUp();
    const idle = new Date(clock.now().getTime() + IDLE_TTL_MS);
    expect(await sessions.admit(SESSION, Transport.BEARER, idle)).toEqual({
      ok: false,
      reason: 'SESSION_EXPIRED',
    });
    db.row = { ...db.row!, revokedAt: clock.now() };
    cache.evictSession(SESSION);
    expect(await sessions.admit(SESSION, Transport.BEARER, clock.now())).toEqual({
      ok: false,
      reason: 'SESSION_REVOKED',
    });
    db.row = null;
    cache.evictSession(SESSION);
    expect(await sessions.admit(SESSION, Transport.BEARER, clock.now())).toEqual({
      ok: false,
      reason: 'SESSION_REVOKED',
    });
  });

  it('confirms a denial against the database: an idle expiry another instance moved is honoured', async () => {
    const { clock, db, sessions } = setUp();
    await sessions.admit(SESSION, Transport.BEARER, clock.now()); // cached with the old idle expiry
    clock.advance(IDLE_TTL_MS / 1000);
    db.row = { ...db.row!, lastSeenAt: clock.now(), idleExpiresAt: new Date(clock.now().getTime() + 60_000) };
    expect(await sessions.admit(SESSION, Transport.BEARER, clock.now())).toMatchObject({ ok: true });
  });

  it('serves the steady state from the cache: no read per request', async () => {
    const { clock, db, sessions } = setUp();
    for (let i = 0; i < 5; i++) await sessions.admit(SESSION, Transport.BEARER, clock.now());
    expect(db.reads).toBe(1);
  });
});

describe('touched: the background last-seen write', () => {
  it('is not due within a minute of the last one; once due, it starts and says so', async () => {
    const { clock, db, sessions } = setUp();
    clock.advance(59);
    expect(await sessions.admit(SESSION, Transport.BEARER, clock.now())).toMatchObject({ touched: false });
    clock.advance(1);
    expect(await sessions.admit(SESSION, Transport.BEARER, clock.now())).toMatchObject({
      ok: true,
      touched: true,
    });
    expect(db.writes).toHaveLength(1);
  });

  it('runs once per session at a time: requests during a write do not start another', async () => {
    const { clock, db, sessions } = setUp();
    clock.advance(61);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await sessions.admit(SESSION, Transport.BEARER, clock.now()));
    expect(results.map((r) => r.ok && r.touched)).toEqual([true, false, false]);
    expect(db.writes).toHaveLength(1);
  });

  it('settled() resolves once the write has finished, and the cache then has the new last-seen', async () => {
    const { clock, db, sessions } = setUp();
    clock.advance(61);
    const now = clock.now();
    await sessions.admit(SESSION, Transport.BEARER, now);
    const written = sessions.settled();
    expect(await settled(written)).toBe(false);
    db.writes[0]!.finish();
    expect(await settled(written)).toBe(true);
    const next = await sessions.admit(SESSION, Transport.BEARER, clock.now());
    expect(next.ok && next.state.lastSeenAt).toEqual(now);
    expect(next.ok && next.touched).toBe(false);
    expect(db.reads).toBe(1); // our own write updated the entry; nothing was re-read
  });

  it('settled() resolves at once when nothing is being written', async () => {
    const { sessions } = setUp();
    expect(await settled(sessions.settled())).toBe(true);
  });

  it('a failed write is logged, not thrown at the request, and settles', async () => {
    const { clock, db, sessions, warnings } = setUp();
    clock.advance(61);
    await sessions.admit(SESSION, Transport.BEARER, clock.now());
    db.writes[0]!.finish(new Error('connection reset'));
    await sessions.settled();
    expect(warnings.join('\n')).toContain('could not record session activity');
    // And the next request may try again.
    expect(await sessions.admit(SESSION, Transport.BEARER, clock.now())).toMatchObject({ touched: true });
  });
});
