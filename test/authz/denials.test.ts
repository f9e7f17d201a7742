import { createTestDatabase, sql, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import {
  anonymous,
  createPrincipal,
  expectData,
  expectDenied,
  LENIENT_LIMITS,
  LOGIN_REQUIRED,
  MISSING_ROLE,
  NOT_OWNER,
  signIn,
  TRANSPORTS,
  type Caller,
  type Principal,
} from './callers.js';

let db: TestDatabase;
let server: TestServer;
let alice: Principal;
let bob: Principal;
let admin: Principal;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer(db, { env: LENIENT_LIMITS });
  [alice, bob, admin] = await Promise.all([
    createPrincipal(server.url, db),
    createPrincipal(server.url, db),
    createPrincipal(server.url, db, true),
  ]);
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

/** Everything a mutation could have changed, except the AUTHZ_DENIED rows a denial is meant to write. */
async function snapshot(): Promise<unknown> {
  return {
    users: await sql(db, 'select id, email, roles, password_hash, updated_at from users order by id'),
    sessions: await sql(db, 'select id, user_id, revoked_at, revoked_reason from sessions order by id'),
    refreshTokens: await sql(db, 'select id, used_at from refresh_tokens order by id'),
    audit: await sql(db, `select id, type from audit_events where type <> 'AUTHZ_DENIED' order by id`),
  };
}

describe('a denied mutation leaves the database unchanged', () => {
  let bobsSession: Caller;

  beforeAll(async () => {
    bobsSession = await signIn(server.url, bob, 'BEARER');
  });

  const cases = [
    [
      'setUserRoles(self → ADMIN)',
      'mutation($me: ID!) { setUserRoles(userId: $me, roles: [ADMIN, USER]) { id } }',
    ],
    [
      'setUserRoles(another user → ADMIN)',
      'mutation($bob: ID!) { setUserRoles(userId: $bob, roles: [ADMIN]) { id } }',
    ],
    ['revokeUserSessions(another user)', 'mutation($bob: ID!) { revokeUserSessions(userId: $bob) }'],
    ['revokeUserSessions(self)', 'mutation($me: ID!) { revokeUserSessions(userId: $me) }'],
  ] as const;

  it.each(TRANSPORTS.flatMap((t) => cases.map(([name, query]) => [name, t, query] as const)))(
    'USER calls %s via %s: FORBIDDEN / MISSING_ROLE, nothing written',
    async (_name, transport, query) => {
      const caller = await signIn(server.url, alice, transport);
      const before = await snapshot();
      const res = await caller.call(query, { me: alice.userId, bob: bob.userId });
      expectDenied(res, MISSING_ROLE, [/\{\s*(\w+)/.exec(query)![1]!]);
      expect(await snapshot()).toEqual(before);
      // And the people concerned are as they were.
      expect(
        await sql(db, 'select roles from users where id = any($1) order by email', [
          [alice.userId, bob.userId],
        ]),
      ).toEqual([{ roles: ['USER'] }, { roles: ['USER'] }]);
      expectData(await bobsSession.call('{ mySessions { id } }'));
      expectData(await caller.call('{ mySessions { id } }'));
    },
  );

  it.each(cases)(
    'anonymous calls %s: UNAUTHENTICATED / LOGIN_REQUIRED, nothing written',
    async (_name, query) => {
      const before = await snapshot();
      const res = await anonymous(server.url).call(query, { me: alice.userId, bob: bob.userId });
      expectDenied(res, LOGIN_REQUIRED, [/\{\s*(\w+)/.exec(query)![1]!]);
      expect(await snapshot()).toEqual(before);
    },
  );

  it('USER revokes another user’s session: FORBIDDEN / NOT_OWNER, the session lives on', async () => {
    const caller = await signIn(server.url, alice, 'COOKIE');
    const before = await snapshot();
    const res = await caller.call('mutation($id: ID!) { revokeSession(id: $id) }', {
      id: bobsSession.sessionId,
    });
    expectDenied(res, NOT_OWNER, ['revokeSession']);
    expect(await snapshot()).toEqual(before);
    expectData(await bobsSession.call('{ mySessions { id } }'));
  });
});

describe('AUTHZ_DENIED audit rows', () => {
  interface DeniedRow {
    user_id: string | null;
    session_id: string | null;
    details: Record<string, unknown>;
  }
  const deniedRows = (sessionId: string, field?: string) =>
    sql<DeniedRow>(
      db,
      `select user_id, session_id, details from audit_events
        where type = 'AUTHZ_DENIED' and session_id = $1 and ($2::text is null or details->>'field' = $2)`,
      [sessionId, field ?? null],
    );
  /** Denials are recorded without holding up the answer: wait for those records, not for a while. */
  const settled = () => server.app.audit.settled();

  /** The dedupe bucket is the server's minute: start a flood well inside one, so it cannot straddle two. */
  function startOfAMinute(): void {
    const intoMinute = server.clock.now().getTime() % 60_000;
    server.clock.advance((60_000 - intoMinute) / 1000 + 1);
  }

  it.each([
    ['BEARER', '{ users { id } }', 'Query.users', MISSING_ROLE],
    ['COOKIE', '{ auditEvents { id } }', 'Query.auditEvents', MISSING_ROLE],
    [
      'BEARER',
      'mutation($bob: ID!) { revokeUserSessions(userId: $bob) }',
      'Mutation.revokeUserSessions',
      MISSING_ROLE,
    ],
  ] as const)('a %s USER denied %s writes one row naming %s', async (transport, query, field, denied) => {
    const caller = await signIn(server.url, alice, transport);
    expectDenied(await caller.call(query, { bob: bob.userId }), denied, [/\{\s*(\w+)/.exec(query)![1]!]);
    await settled();
    expect(await deniedRows(caller.sessionId!)).toEqual([
      {
        user_id: alice.userId,
        session_id: caller.sessionId,
        details: { field, reason: denied.reason, transport },
      },
    ]);
  });

  it('are readable by an ADMIN through auditEvents', async () => {
    const caller = await signIn(server.url, alice, 'BEARER');
    expectDenied(await caller.call('{ users { id } }'), MISSING_ROLE, ['users']);
    await settled();
    const asAdmin = await signIn(server.url, admin, 'COOKIE');
    const data = expectData(
      await asAdmin.call(
        'query($u: ID!) { auditEvents(userId: $u, limit: 200) { type sessionId details } }',
        {
          u: alice.userId,
        },
      ),
    ) as { auditEvents: { type: string; sessionId: string; details: unknown }[] };
    expect(data.auditEvents).toContainEqual({
      type: 'AUTHZ_DENIED',
      sessionId: caller.sessionId,
      details: { field: 'Query.users', reason: 'MISSING_ROLE', transport: 'BEARER' },
    });
  });

  it('a flood of 20 denials from one session in one minute writes exactly one row', async () => {
    const caller = await signIn(server.url, alice, 'BEARER');
    startOfAMinute();
    const sequential = [];
    for (let i = 0; i < 10; i++) sequential.push(await caller.call('{ auditEvents { id } }'));
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () => caller.call('{ auditEvents { id } }')),
    );
    for (const res of [...sequential, ...concurrent]) expectDenied(res, MISSING_ROLE, ['auditEvents']);
    await settled();
    expect(await deniedRows(caller.sessionId!)).toHaveLength(1);
  });

  it('counts per session, per field and per minute', async () => {
    const first = await signIn(server.url, alice, 'COOKIE');
    const second = await signIn(server.url, alice, 'COOKIE');
    startOfAMinute();
    for (const caller of [first, first, second]) {
      expectDenied(await caller.call('{ users { id } }'), MISSING_ROLE, ['users']);
    }
    expectDenied(await first.call('{ auditEvents { id } }'), MISSING_ROLE, ['auditEvents']);
    server.clock.advance(60);
    expectDenied(await first.call('{ users { id } }'), MISSING_ROLE, ['users']);
    await settled();
    expect(await deniedRows(first.sessionId!, 'Query.users')).toHaveLength(2);
    expect(await deniedRows(first.sessionId!, 'Query.auditEvents')).toHaveLength(1);
    expect(await deniedRows(second.sessionId!)).toHaveLength(1);
  });

  it('an anonymous caller’s denials write nothing (nothing to attribute; the log would be a free flood)', async () => {
    const count = async () =>
      Number(
        (
          await sql<{ n: string }>(db, `select count(*) as n from audit_events where type = 'AUTHZ_DENIED'`)
        )[0]!.n,
      );
    const before = await count();
    for (let i = 0; i < 5; i++) {
      expectDenied(await anonymous(server.url).call('{ users { id } }'), LOGIN_REQUIRED, ['users']);
    }
    await settled();
    expect(await count()).toBe(before);
  });
});
