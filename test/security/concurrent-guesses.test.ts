import { errorCode, gql, type GqlResponse } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { PASSWORD, registerBearer } from '../support/users.js';

// Issue: the lock-outs read their counters before the argon2 check and added the failure after it, so a burst of
// concurrent guesses was evaluated in full. Each attempt is now reserved (counted as a failure) before the password
// is checked and refunded on success, so at most the limit is ever evaluated, on the in-memory limiter (embedded
// database) and on the shared PostgreSQL one alike. TRUST_PROXY=loopback lets a test speak for many addresses.
const FAILURES_PER_ACCOUNT_IP = 5;
const FAILURES_PER_ACCOUNT = 20;

const t = useTestServer({
  env: {
    TRUST_PROXY: 'loopback',
    RATE_LIMIT_LOGIN_FAILURES: String(FAILURES_PER_ACCOUNT_IP),
    RATE_LIMIT_LOGIN_LOCKOUT: '10m',
    RATE_LIMIT_ACCOUNT_FAILURES: String(FAILURES_PER_ACCOUNT),
    RATE_LIMIT_ACCOUNT_FAILURES_WINDOW: '1h',
  },
});

const LOGIN =
  'mutation($e: String!, $p: String!) { login(email: $e, password: $p, transport: BEARER) { accessToken } }';

function login(email: string, password: string, ip: string): Promise<GqlResponse<unknown>> {
  return gql(t.server.url, LOGIN, { e: email, p: password }, { headers: { 'x-forwarded-for': ip } });
}

/** How many answers were a password check (401-style UNAUTHENTICATED) and how many were refused unchecked (429). */
function tally(answers: GqlResponse<unknown>[]) {
  const evaluated = answers.filter((r) => r.status === 200 && errorCode(r) === 'UNAUTHENTICATED').length;
  const limited = answers.filter((r) => r.status === 429 && errorCode(r) === 'RATE_LIMITED').length;
  return { evaluated, limited };
}

async function failuresAudited(userId: string): Promise<number> {
  const rows = await sql<{ n: string }>(
    t.db,
    "select count(*) as n from audit_events where type = 'LOGIN_FAILED' and user_id = $1",
    [userId],
  );
  return Number(rows[0]!.n);
}

describe('concurrent password guesses', () => {
  it('evaluates at most the account+IP limit of 50 concurrent wrong passwords, then refuses the right one', async () => {
    const { email, userId } = await registerBearer(t.server.url);
    const ip = '198.51.100.7';
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => login(email, `wrong password ${i}`, ip)),
    );
    const { evaluated, limited } = tally(answers);
    expect(evaluated + limited).toBe(50);
    expect(evaluated).toBeLessThanOrEqual(FAILURES_PER_ACCOUNT_IP);
    expect(await failuresAudited(userId)).toBe(evaluated);
    // Locked: even the right password is refused, with Retry-After.
    const right = await login(email, PASSWORD, ip);
    expect(right.status).toBe(429);
    expect(errorCode(right)).toBe('RATE_LIMITED');
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('evaluates at most the per-account limit of 60 concurrent wrong passwords from 60 addresses', async () => {
    const { email, userId } = await registerBearer(t.server.url);
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => login(email, `wrong password ${i}`, `192.0.2.${i + 1}`)),
    );
    const { evaluated, limited } = tally(answers);
    expect(evaluated + limited).toBe(60);
    expect(evaluated).toBeLessThanOrEqual(FAILURES_PER_ACCOUNT);
    expect(await failuresAudited(userId)).toBe(evaluated);
    const right = await login(email, PASSWORD, '192.0.2.200');
    expect(right.status).toBe(429);
    expect(errorCode(right)).toBe('RATE_LIMITED');
  });

  it('gives changePassword the same bound: concurrent wrong current passwords are evaluated at most the limit', async () => {
    const user = await registerBearer(t.server.url);
    const ip = '198.51.100.8';
    const CHANGE =
      'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        gql(
          t.server.url,
          CHANGE,
          { c: `not my password ${i}`, n: 'a brand new passphrase' },
          { token: user.accessToken, headers: { 'x-forwarded-for': ip } },
        ),
      ),
    );
    const { evaluated, limited } = tally(answers);
    expect(evaluated + limited).toBe(30);
    expect(evaluated).toBeLessThanOrEqual(FAILURES_PER_ACCOUNT_IP);
  });
});
