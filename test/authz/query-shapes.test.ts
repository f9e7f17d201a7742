import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import {
  anonymous,
  createPrincipal,
  expectData,
  expectDenied,
  LENIENT_LIMITS,
  LOGIN_REQUIRED,
  MISSING_ROLE,
  signIn,
  type Caller,
  type Denied,
  type Principal,
} from './callers.js';

/*
 * Enforcement sits on the resolvers, not on the query text: the same field gives the same answer however it is
 * reached — under an alias, in a named or inline fragment, nested fragments, a directive-guarded fragment, twice,
 * or next to fields the caller may read.
 */

let db: TestDatabase;
let server: TestServer;
let alice: Principal;
let admin: Principal;
const as: Record<'anonymous' | 'USER' | 'ADMIN', Caller> = {} as never;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer(db, { env: LENIENT_LIMITS });
  alice = await createPrincipal(server.url, db);
  admin = await createPrincipal(server.url, db, true);
  as.anonymous = anonymous(server.url);
  as.USER = await signIn(server.url, alice, 'BEARER');
  as.ADMIN = await signIn(server.url, admin, 'COOKIE');
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

/** A way of writing a query around one root selection; `key` is where the answer lands. */
interface Shape {
  readonly name: string;
  readonly query: (selection: string, field: string) => string;
  /** Response keys of the selection (more than one when the shape selects it twice). */
  readonly keys: (field: string) => string[];
}

const SHAPES: Shape[] = [
  { name: 'plain', query: (s) => `{ ${s} }`, keys: (f) => [f] },
  { name: 'alias', query: (s) => `{ renamed: ${s} }`, keys: () => ['renamed'] },
  { name: 'two aliases', query: (s) => `{ a: ${s} b: ${s} }`, keys: () => ['a', 'b'] },
  {
    name: 'named fragment',
    query: (s) => `query { ...Probe } fragment Probe on Query { ${s} }`,
    keys: (f) => [f],
  },
  { name: 'inline fragment', query: (s) => `{ ... on Query { ${s} } }`, keys: (f) => [f] },
  {
    name: 'fragment in a fragment, aliased',
    query: (s) =>
      `query { ...Outer } fragment Outer on Query { ...Inner } fragment Inner on Query { deep: ${s} }`,
    keys: () => ['deep'],
  },
  {
    name: 'untyped inline fragment under @include',
    query: (s) => `query { ... @include(if: true) { ${s} } }`,
    keys: (f) => [f],
  },
  {
    name: 'next to a @skip-ped copy of itself',
    query: (s) => {
      const guarded = (directive: string) => s.replace(/\s*\{/, ` ${directive} {`);
      return `query($no: Boolean = false) { skipped: ${guarded('@skip(if: true)')} ${guarded('@include(if: $no)')} kept: ${s} }`;
    },
    keys: () => ['kept'],
  },
];

interface Probe {
  readonly caller: keyof typeof as;
  readonly field: string;
  readonly selection: () => string;
  readonly denied: Denied;
}

const PROBES: Probe[] = [
  {
    caller: 'USER',
    field: 'users',
    selection: () => 'users { id email }',
    denied: MISSING_ROLE,
  },
  {
    caller: 'USER',
    field: 'user',
    selection: () => `user(id: "${alice.userId}") { id email }`,
    denied: MISSING_ROLE,
  },
  {
    caller: 'USER',
    field: 'auditEvents',
    selection: () => 'auditEvents(limit: 1) { id }',
    denied: MISSING_ROLE,
  },
  {
    caller: 'anonymous',
    field: 'mySessions',
    selection: () => 'mySessions { id }',
    denied: LOGIN_REQUIRED,
  },
  {
    caller: 'anonymous',
    field: 'users',
    selection: () => 'users { id }',
    denied: LOGIN_REQUIRED,
  },
];

describe.each(PROBES.map((p) => [`${p.caller} → ${p.field}`, p] as const))('%s', (_name, probe) => {
  it.each(SHAPES.map((s) => [s.name, s] as const))('is denied the same way: %s', async (_shape, shape) => {
    const query = shape.query(probe.selection(), probe.field);
    const res = await as[probe.caller].call(query);
    // Every guarded root field is nullable: each copy is null with its own error, and `data` stands.
    const keys = shape.keys(probe.field);
    expectDenied(res, probe.denied, keys);
    expect(res.body.data).toEqual(Object.fromEntries(keys.map((k) => [k, null])));
  });
});

describe('a denied field next to readable ones', () => {
  it('is null with its error while the rest of the response stands (nullable root field)', async () => {
    const res = await as.USER.call(
      `{ me { id email } user(id: "${alice.userId}") { id } mySessions { id } }`,
    );
    expectDenied(res, MISSING_ROLE, ['user']);
    const data = res.body.data as { me: { id: string; email: string }; user: null; mySessions: unknown[] };
    expect(data.me).toEqual({ id: alice.userId, email: alice.email });
    expect(data.user).toBeNull();
    expect(data.mySessions.length).toBeGreaterThan(0);
  });

  it('an anonymous caller gets me: null and LOGIN_REQUIRED for the protected neighbour', async () => {
    const res = await as.anonymous.call(`{ me { id } user(id: "${alice.userId}") { id } }`);
    expectDenied(res, LOGIN_REQUIRED, ['user']);
    expect(res.body.data).toEqual({ me: null, user: null });
  });
});

describe('protected fields below the root, reached every way', () => {
  const userFields = [
    ['plain', 'me { email }', ''],
    ['aliased', 'me { mail: email }', ''],
    ['named fragment', 'me { ...U }', 'fragment U on User { email }'],
    ['inline fragment', 'me { ... on User { email } }', ''],
    [
      'fragment on the root holding a nested fragment',
      '...Q',
      'fragment Q on Query { me { ...U } } fragment U on User { email }',
    ],
  ] as const;

  it.each(userFields)('a USER reads their own User.email: %s', async (_name, selection, fragments) => {
    const data = expectData(await as.USER.call(`{ ${selection} } ${fragments}`)) as {
      me: Record<string, string>;
    };
    expect(Object.values(data.me)).toEqual([alice.email]);
  });

  it.each(
    userFields.map(([n, s, f]) => [n, s.replace(/^me/, 'users'), f.replace(/me \{/, 'users {')] as const),
  )('an ADMIN reads everyone’s User.email: %s', async (_name, selection, fragments) => {
    const data = expectData(await as.ADMIN.call(`{ ${selection} } ${fragments}`)) as {
      users: Record<string, string>[];
    };
    const emails = data.users.flatMap((u) => Object.values(u));
    expect(emails).toEqual(expect.arrayContaining([alice.email, admin.email]));
  });

  it.each([
    ['plain', (id: string) => `{ user(id: "${id}") { email } }`],
    ['aliased', (id: string) => `{ u: user(id: "${id}") { mail: email } }`],
    ['named fragment', (id: string) => `{ user(id: "${id}") { ...U } } fragment U on User { email }`],
    ['inline fragment', (id: string) => `{ ... on Query { user(id: "${id}") { ... on User { email } } } }`],
  ])(
    'a USER asking for User.email through user(id) is stopped at `user` (MISSING_ROLE): %s',
    async (name, query) => {
      const res = await as.USER.call(query(alice.userId));
      expectDenied(res, MISSING_ROLE, [name === 'aliased' ? 'u' : 'user']);
    },
  );

  it.each([
    ['plain', '{ mySessions { id userAgent current } }'],
    ['aliased', '{ devices: mySessions { sid: id ua: userAgent now: current } }'],
    ['named fragment', '{ mySessions { ...S } } fragment S on Session { id userAgent current }'],
    ['inline fragment', '{ mySessions { ... on Session { id userAgent current } } }'],
  ])('a USER reads every field of their own sessions (type-level owner policy): %s', async (_name, query) => {
    const data = expectData(await as.USER.call(query)) as Record<string, Record<string, unknown>[]>;
    const sessions = Object.values(data)[0]!;
    expect(sessions.length).toBeGreaterThan(0);
    for (const session of sessions) expect(Object.values(session).every((v) => v !== undefined)).toBe(true);
    expect(sessions.filter((s) => Object.values(s).includes(true))).toHaveLength(1);
  });

  it('Session and User.email through an auth payload: the new session speaks for itself', async () => {
    const res = await as.anonymous.call(
      `mutation($e: String!, $p: String!) { login(email: $e, password: $p, transport: BEARER) {
        ...P } } fragment P on AuthPayload { who: user { mail: email } device: session { ... on Session { current } } }`,
      { e: alice.email, p: 'correct horse battery staple' },
    );
    expect(expectData(res)).toEqual({ login: { who: { mail: alice.email }, device: { current: true } } });
  });

  it('enforcement reads the live caller: after logout in one operation, the next field is LOGIN_REQUIRED', async () => {
    const caller = await signIn(server.url, alice, 'BEARER');
    const res = await caller.call('mutation { out: logout again: logoutAll }');
    expectDenied(res, LOGIN_REQUIRED, ['again']);
    // The logout happened and says so; only the denied field is null.
    expect(res.body.data).toEqual({ out: true, again: null });
    const after = await caller.call('{ me { id } }');
    expect(after.status).toBe(401);
  });
});
