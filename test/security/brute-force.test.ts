import { errorCode, gql, type GqlResponse } from '../support/client.js';
import { sql } from '../support/database.js';
import { startServer, useTestServer } from '../support/server.js';
import { PASSWORD, registerBearer, uniqueEmail } from '../support/users.js';

// OWASP Authentication cheat sheet ("Protect against automated attacks"), ASVS V2.2.1: consecutive failures lock
// account+IP for an exponentially growing time; attempts are limited per IP and per account; over a limit the
// answer is 429 with Retry-After. TRUST_PROXY=loopback lets a test speak for many client addresses.
const t = useTestServer({
  env: {
    TRUST_PROXY: 'loopback',
    RATE_LIMIT_LOGIN_FAILURES: '3',
    RATE_LIMIT_LOGIN_LOCKOUT: '1s',
    RATE_LIMIT_ACCOUNT_FAILURES: '10',
    RATE_LIMIT_LOGIN_PER_IP: '40',
    RATE_LIMIT_REFRESH_PER_SESSION: '3',
  },
});

const LOGIN =
  'mutation($e: String!, $p: String!) { login(email: $e, password: $p, transport: BEARER) { accessToken } }';

function login(email: string, password: string, ip: string) {
  return gql<{ login: { accessToken: string } }>(
    t.server.url,
    LOGIN,
    { e: email, p: password },
    { headers: { 'x-forwarded-for': ip } },
  );
}

function expectLimited(res: GqlResponse<unknown>) {
  expect(res.status).toBe(429);
  expect(errorCode(res)).toBe('RATE_LIMITED');
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(res.body.errors?.[0]?.extensions?.retryAfter).toBe(retryAfter);
  return retryAfter;
}

/**
 * Moves the wall clock the rate limiter reads (its counters expire by `Date.now()`, not by the app's injected
 * clock) instead of sleeping through a lock-out. Only `Date` is faked: timers, I/O and the database run as usual.
 */
function freezeWallClock(): { advance(seconds: number): void } {
  jest.useFakeTimers({
    now: Date.now(),
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
  return { advance: (seconds) => jest.setSystemTime(Date.now() + seconds * 1000) };
}

describe('brute-force limits', () => {
  afterEach(() => jest.useRealTimers());

  it('locks account+IP after consecutive failures, refusing even the right password, with a growing lock-out', async () => {
    const wallClock = freezeWallClock();
    const { email, userId } = await registerBearer(t.server.url);
    const ip = '198.51.100.1';
    expect((await login(email, PASSWORD, ip)).status).toBe(200); // the control
    for (let i = 0; i < 3; i++)
      expect(errorCode(await login(email, 'wrong password!', ip))).toBe('UNAUTHENTICATED');
    expect(expectLimited(await login(email, PASSWORD, ip))).toBe(1);
    // Another address is not locked out by this one's failures.
    expect((await login(email, PASSWORD, '198.51.100.2')).status).toBe(200);
    const audit = await sql(t.db, "select details from audit_events where type = 'RATE_LIMITED'");
    expect(audit.length).toBeGreaterThan(0);

    wallClock.advance(1.1);
    for (let i = 0; i < 3; i++) await login(email, 'wrong password!', ip);
    expect(expectLimited(await login(email, PASSWORD, ip))).toBe(2); // doubled
    expectLimited(await login(email, PASSWORD, ip));
    wallClock.advance(2.1);
    const ok = await login(email, PASSWORD, ip);
    expect(ok.status).toBe(200);
    // A success starts the count again.
    expect(errorCode(await login(email, 'wrong password!', ip))).toBe('UNAUTHENTICATED');
    expect(errorCode(await login(email, 'wrong password!', ip))).toBe('UNAUTHENTICATED');
    expect((await login(email, PASSWORD, ip)).status).toBe(200);
    // That success was the third attempt in a row, so its lock-out was set before its password was checked (a
    // concurrent guess must not slip in); it was undone, and does not double the next one: 4 s, not 8 s. (An
    // hour on, so that the per-account window, not under test here, has forgotten the failures so far.)
    wallClock.advance(3600);
    for (let i = 0; i < 3; i++) await login(email, 'wrong password!', ip);
    expect(expectLimited(await login(email, PASSWORD, ip))).toBe(4);
    expect(userId).toBeDefined();
  });

  it('limits failures per account across addresses (a distributed guess)', async () => {
    const { email } = await registerBearer(t.server.url);
    for (let i = 0; i < 10; i++) await login(email, 'wrong password!', `192.0.2.${i + 10}`);
    expectLimited(await login(email, PASSWORD, '192.0.2.200'));
  });

  it('counts unknown accounts like known ones (no enumeration by lock-out)', async () => {
    const ghost = uniqueEmail('ghost');
    for (let i = 0; i < 3; i++)
      expect(errorCode(await login(ghost, 'wrong password!', '198.51.100.50'))).toBe('UNAUTHENTICATED');
    expectLimited(await login(ghost, 'wrong password!', '198.51.100.50'));
  });

  it('gains nothing from aliasing: a document of many guesses tests only the first, and it counts', async () => {
    const { email } = await registerBearer(t.server.url);
    const ip = '198.51.100.77';
    const guesses = ['wrong-password-0', 'wrong-password-1', PASSWORD];
    const aliases = guesses.map(
      (p, i) => `l${i}: login(email: $e, password: "${p}", transport: BEARER) { accessToken }`,
    );
    const res = await gql(
      t.server.url,
      `mutation($e: String!) { ${aliases.join(' ')} }`,
      { e: email },
      { headers: { 'x-forwarded-for': ip } },
    );
    // Root mutation fields run in order and the first failure nulls the (non-null) result: the right password,
    // third in line, is never tried, and no token is issued.
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(JSON.stringify(res.body)).not.toMatch(/accessToken":"/);
    for (let i = 0; i < 2; i++) await login(email, 'wrong password!', ip);
    expectLimited(await login(email, PASSWORD, ip));
  });

  it('limits login attempts per IP', async () => {
    const ip = '198.51.100.99';
    let limited: GqlResponse<unknown> | undefined;
    for (let i = 0; i < 41 && !limited; i++) {
      const res = await login(uniqueEmail(), 'wrong password!', ip);
      if (res.status === 429) limited = res;
    }
    expect(limited).toBeDefined();
    expectLimited(limited!);
  });

  it('applies the login limits to changePassword, so a stolen session cannot guess the password', async () => {
    const user = await registerBearer(t.server.url);
    const ip = '198.51.100.120';
    const CHANGE =
      'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';
    const change = (current: string) =>
      gql(
        t.server.url,
        CHANGE,
        { c: current, n: 'a brand new passphrase' },
        {
          token: user.accessToken,
          headers: { 'x-forwarded-for': ip },
        },
      );
    for (let i = 0; i < 3; i++) expect(errorCode(await change('not my password'))).toBe('UNAUTHENTICATED');
    expectLimited(await change(PASSWORD));
    // Nothing changed: the old password still logs in (from another address).
    expect((await login(user.email, PASSWORD, '198.51.100.121')).status).toBe(200);
  });

  it('limits register per IP', async () => {
    const limited = await startServer(t.db, {
      env: { TRUST_PROXY: 'loopback', RATE_LIMIT_REGISTER_PER_IP: '3' },
    });
    try {
      const ip = '203.0.113.10';
      const REGISTER =
        'mutation($e: String!, $p: String!) { register(email: $e, password: $p) { user { id } } }';
      const register = () =>
        gql(limited.url, REGISTER, { e: uniqueEmail(), p: PASSWORD }, { headers: { 'x-forwarded-for': ip } });
      for (let i = 0; i < 3; i++) expect((await register()).status).toBe(200);
      expectLimited(await register());
      // Another address is unaffected.
      const other = await gql(
        limited.url,
        REGISTER,
        { e: uniqueEmail(), p: PASSWORD },
        { headers: { 'x-forwarded-for': '203.0.113.11' } },
      );
      expect(other.status).toBe(200);
    } finally {
      await limited.stop();
    }
  });

  it('limits refresh per session, leaving the token unspent', async () => {
    const user = await registerBearer(t.server.url);
    const REFRESH = 'mutation($t: String!) { refresh(refreshToken: $t) { refreshToken } }';
    let token = user.refreshToken;
    for (let i = 0; i < 3; i++) {
      const res = await gql<{ refresh: { refreshToken: string } }>(t.server.url, REFRESH, { t: token });
      token = res.body.data!.refresh.refreshToken;
    }
    expectLimited(await gql(t.server.url, REFRESH, { t: token }));
    const rows = await sql<{ used_at: Date | null }>(
      t.db,
      'select used_at from refresh_tokens where parent_id is not null order by created_at desc limit 1',
    );
    expect(rows[0]!.used_at).toBeNull();
  });
});
