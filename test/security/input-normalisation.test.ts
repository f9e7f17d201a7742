import { randomBytes } from 'node:crypto';
import { errorCode, gql, type GqlResponse } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { PASSWORD, registerBearer } from '../support/users.js';

const t = useTestServer();

const REGISTER =
  'mutation($e: String!, $p: String!) { register(email: $e, password: $p, transport: BEARER) { user { id } } }';
const LOGIN =
  'mutation($e: String!, $p: String!) { login(email: $e, password: $p, transport: BEARER) { user { id } } }';

const userCount = async () => (await sql<{ n: string }>(t.db, 'select count(*) as n from users'))[0]!.n;
const tag = () => randomBytes(4).toString('hex');

/** Log lines at error level or above (pino: 50 error, 60 fatal) written while `action` ran. */
async function errorLinesDuring(action: () => Promise<unknown>): Promise<string[]> {
  const from = t.server.logs.length;
  await action();
  return t.server.logs.slice(from).filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
}

// NIST SP 800-63B §5.1.1.2: length and the blocklist count the password as it is hashed, i.e. after NFKC.
describe('the password policy applies to the normalised password', () => {
  it('refuses fullwidth "ｐａｓｓｗｏｒｄ１２３", which is the common password "password123"', async () => {
    const res = await gql(t.server.url, REGISTER, {
      e: `fw-${tag()}@example.com`,
      p: 'ｐａｓｓｗｏｒｄ１２３',
    });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.extensions?.field).toBe('password');
    expect(res.body.errors?.[0]?.message).toMatch(/too common/);
  });

  it('counts nine conjoining Hangul jamo as the three syllables they compose to', async () => {
    const jamo = '\u1112\u1161\u11ab'.repeat(3); // 한한한 spelled out: 9 code points, 3 after NFKC
    const res = await gql(t.server.url, REGISTER, { e: `jamo-${tag()}@example.com`, p: jamo });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/at least 8/);
  });

  it('accepts eight Hangul syllables (the control), and a login with their jamo spelling', async () => {
    const email = `hangul-${tag()}@example.com`;
    const syllables = '한국어비밀번호요'; // 8 code points
    const { userId } = await registerBearer(t.server.url, email, syllables);
    const res = await gql<{ login: { user: { id: string } } }>(t.server.url, LOGIN, {
      e: email,
      p: syllables.normalize('NFD'),
    });
    expect(res.body.data?.login.user.id).toBe(userId);
  });
});

// UTS #39: an address that looks like an existing one either is that account or is refused.
describe('look-alike emails never create a second account', () => {
  const register = (email: string, password = PASSWORD) =>
    gql(t.server.url, REGISTER, { e: email, p: password });
  const login = (email: string) =>
    gql<{ login: { user: { id: string } } }>(t.server.url, LOGIN, { e: email, p: PASSWORD });

  /** Registers `original`, then tries `lookAlike`: refused, no new row; returns the login answer for it. */
  async function tryLookAlike(original: string, lookAlike: string) {
    const { userId } = await registerBearer(t.server.url, original);
    const before = await userCount();
    const res = await register(lookAlike);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.body.data ?? null).toBeNull();
    expect(await userCount()).toBe(before);
    return { userId, login: await login(lookAlike) };
  }

  it.each([
    ['fullwidth letters', (id: string) => [`kate-${id}@example.com`, `ｋａｔｅ-${id}@ｅｘａｍｐｌｅ.com`]],
    [
      'the Kelvin sign (U+212A) for k',
      (id: string) => [`kate-${id}@example.com`, `\u212Aate-${id}@example.com`],
    ],
    ['NFD for an NFC é', (id: string) => [`jos\u00e9-${id}@example.com`, `jose\u0301-${id}@example.com`]],
    ['capitals in an IDN domain', (id: string) => [`bob-${id}@bücher.example`, `bob-${id}@BÜCHER.example`]],
    [
      'the A-label of the IDN domain',
      (id: string) => [`bob-${id}@bücher.example`, `bob-${id}@xn--bcher-kva.example`],
    ],
  ])(
    'maps %s to the existing account (refused at register, the same account at login)',
    async (_n, emails) => {
      const [original, lookAlike] = emails(tag()) as [string, string];
      const { userId, login: res } = await tryLookAlike(original, lookAlike);
      expect(res.body.data?.login.user.id).toBe(userId);
    },
  );

  it.each([
    ['a zero-width space', (id: string) => [`kate-${id}@example.com`, `kate\u200b-${id}@example.com`]],
    ['a right-to-left mark', (id: string) => [`kate-${id}@example.com`, `kate-${id}\u200f@example.com`]],
    ['a Cyrillic а in the domain', (id: string) => [`kate-${id}@example.com`, `kate-${id}@ex\u0430mple.com`]],
    [
      'a Cyrillic а in the local part',
      (id: string) => [`kate-${id}@example.com`, `k\u0430te-${id}@example.com`],
    ],
  ])('refuses %s with BAD_USER_INPUT (and login finds no account)', async (_n, emails) => {
    const [original, lookAlike] = emails(tag()) as [string, string];
    const { login: res } = await tryLookAlike(original, lookAlike);
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
  });

  it('stores an IDN domain in its Unicode form', async () => {
    const email = `idn-${tag()}@xn--bcher-kva.example`;
    const { userId } = await registerBearer(t.server.url, email);
    const rows = await sql<{ email: string }>(t.db, 'select email from users where id = $1', [userId]);
    expect(rows[0]!.email).toBe(email.replace('xn--bcher-kva', 'bücher'));
  });
});

// Inputs an anonymous client can send must end in a client error, not in a 500 and an error log line.
describe('malformed input answers a client error and logs no error', () => {
  const expectClientError = (res: GqlResponse<unknown>, code: string) => {
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe(code);
    expect(res.body.data ?? null).toBeNull();
  };

  it('refuses a NUL in the login email, as a literal or a variable, with BAD_USER_INPUT', async () => {
    let literal!: GqlResponse<unknown>;
    let variable!: GqlResponse<unknown>;
    const errors = await errorLinesDuring(async () => {
      literal = await gql(
        t.server.url,
        'mutation { login(email: "a\\u0000@example.com", password: "whatever-password") { user { id } } }',
      );
      variable = await gql(t.server.url, LOGIN, { e: 'a\u0000@example.com', p: PASSWORD });
    });
    expectClientError(literal, 'BAD_USER_INPUT');
    expectClientError(variable, 'BAD_USER_INPUT');
    expect(errors).toEqual([]);
  });

  it('refuses a NUL in a password with BAD_USER_INPUT, at register and at login', async () => {
    const email = `nul-${tag()}@example.com`;
    let registered!: GqlResponse<unknown>;
    let loggedIn!: GqlResponse<unknown>;
    const before = await userCount();
    const errors = await errorLinesDuring(async () => {
      registered = await gql(t.server.url, REGISTER, { e: email, p: `${PASSWORD}\u0000` });
      loggedIn = await gql(t.server.url, LOGIN, { e: email, p: `${PASSWORD}\u0000` });
    });
    expectClientError(registered, 'BAD_USER_INPUT');
    expectClientError(loggedIn, 'BAD_USER_INPUT');
    expect(await userCount()).toBe(before);
    expect(errors).toEqual([]);
  });

  it('refuses a subscription operation over HTTP with a validation error', async () => {
    let res!: GqlResponse<unknown>;
    const errors = await errorLinesDuring(async () => {
      res = await gql(t.server.url, 'subscription { me { id } }');
    });
    expectClientError(res, 'GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors?.[0]?.message).toMatch(/not supported over HTTP/);
    expect(errors).toEqual([]);
  });
});
