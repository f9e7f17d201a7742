import {
  GatehouseError,
  LoginRequiredError,
  MobileClient,
  type MobileClientOptions,
  type Tokens,
} from '../../examples/mobile-client.js';
import { gql } from '../support/client.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { loginBearer, PASSWORD, registerBearer } from '../support/users.js';

let db: TestDatabase;
let server: TestServer;

// Access tokens live 60 s and are verified with 30 s of clock tolerance: 95 s on the server's clock expires them.
const EXPIRE = 95;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer(db, { env: { ACCESS_TOKEN_TTL: '60s' } });
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

/**
 * How the answers of concurrent calls line up with the refresh. `join`: the refresh's answer is held until every
 * call has been refused, so they all wait on the refresh in flight. `late`: every refused call but the first is
 * held until the refresh is over, so they come back to tokens already renewed (or already dropped).
 */
type Timing = 'natural' | 'join' | 'late';

/** A fetch around the real one that counts what the client sends and can order answers as `Timing` says. */
function instrumentedFetch() {
  const counts = { requests: 0, refreshes: 0, expired: 0 };
  let timing: Timing = 'natural';
  let calls = 0;
  let answered = 0;
  let allRefused = Promise.resolve();
  let everyCallRefused = () => {};
  let refreshOver = () => {};
  let refreshSettled = Promise.resolve();
  const wrapped: typeof fetch = async (input, init) => {
    counts.requests++;
    const { query } = JSON.parse(String(init?.body)) as { query: string };
    const isRefresh = /\brefresh\s*\(/.test(query);
    if (isRefresh) counts.refreshes++;
    const res = await fetch(input, init);
    if (isRefresh) {
      if (timing === 'join') await allRefused;
      return res; // the refresh is over once the client has acted on this answer: see `acted`
    }
    if (res.status === 401) {
      const body = (await res.clone().json()) as { errors: { extensions: { reason: string } }[] };
      if (body.errors[0]?.extensions.reason === 'TOKEN_EXPIRED' && ++counts.expired === calls)
        everyCallRefused();
    }
    if (timing === 'late' && answered++ > 0) await refreshSettled;
    return res;
  };
  /** From now on, order the answers of `n` concurrent calls as `t` says. */
  const arm = (t: Timing, n: number) => {
    timing = t;
    calls = n;
    answered = 0;
    counts.requests = counts.refreshes = counts.expired = 0;
    allRefused = new Promise((resolve) => (everyCallRefused = resolve));
    refreshSettled = new Promise((resolve) => (refreshOver = resolve));
  };
  /** The client acted on a refresh's answer (stored new tokens, or dropped them): held answers may come back. */
  const acted = () => refreshOver();
  return { fetch: wrapped, counts, arm, acted };
}

/** A registered user and a client for them, logged in, with everything it reports recorded. */
async function loggedInClient(options: Partial<MobileClientOptions> = {}) {
  const { email, userId } = await registerBearer(server.url);
  const { fetch, counts, arm, acted } = instrumentedFetch();
  const loginRequired: string[] = [];
  const tokenHistory: (Tokens | null)[] = [];
  const client = new MobileClient({
    url: server.url,
    fetch,
    userAgent: 'GatehouseExample/1.0 (iOS 18)',
    onLoginRequired: (reason) => loginRequired.push(reason),
    onTokens: (tokens) => {
      tokenHistory.push(tokens);
      acted();
    },
    ...options,
  });
  await client.login(email, PASSWORD);
  return { client, email, userId, counts, arm, loginRequired, tokenHistory };
}

const ME = '{ me { id } }';

describe('the mobile client', () => {
  it('logs in with the bearer transport and calls the API', async () => {
    const { client, email, userId, tokenHistory } = await loggedInClient();
    expect(client.loggedIn).toBe(true);
    expect(tokenHistory).toHaveLength(1);
    expect(tokenHistory[0]?.accessToken.split('.')).toHaveLength(3);

    const data = await client.request<{ me: { id: string; email: string } }>('{ me { id email } }');
    expect(data.me).toEqual({ id: userId, email });
    const sessions = await client.request<{ mySessions: { transport: string; userAgent: string }[] }>(
      '{ mySessions { transport userAgent current } }',
    );
    expect(sessions.mySessions).toContainEqual({
      transport: 'BEARER',
      userAgent: 'GatehouseExample/1.0 (iOS 18)',
      current: true,
    });
  });

  it.each<Timing>(['natural', 'join', 'late'])(
    'refreshes once for ten concurrent calls after the access token expired, and all ten succeed (%s)',
    async (timing) => {
      const { client, userId, counts, arm, tokenHistory } = await loggedInClient();
      await client.request(ME);
      server.clock.advance(EXPIRE);
      arm(timing, 10);

      const results = await Promise.all(
        Array.from({ length: 10 }, () => client.request<{ me: { id: string } }>(ME)),
      );

      expect(results.map((r) => r.me.id)).toEqual(Array(10).fill(userId));
      expect(counts.expired).toBe(10);
      expect(counts.refreshes).toBe(1);
      expect(counts.requests).toBe(10 + 1 + 10); // ten refused, one refresh, ten retried
      expect(tokenHistory).toHaveLength(2);
      expect(tokenHistory[1]?.refreshToken).not.toBe(tokenHistory[0]?.refreshToken);
      expect(tokenHistory[1]?.accessToken).not.toBe(tokenHistory[0]?.accessToken);

      // The next expiry is handled the same way, with the rotated refresh token.
      arm('natural', 1);
      server.clock.advance(EXPIRE);
      await expect(client.request(ME)).resolves.toEqual({ me: { id: userId } });
      expect(counts.refreshes).toBe(1);
    },
  );

  it('reports login required when the session is revoked elsewhere (no refresh attempted)', async () => {
    expect.assertions(5);
    const { client, email, counts, loginRequired } = await loggedInClient();
    const other = await loginBearer(server.url, email);
    const res = await gql<{ logoutAll: number }>(
      server.url,
      'mutation { logoutAll }',
      {},
      { token: other.accessToken },
    );
    expect(res.body.data?.logoutAll).toBe(3); // registration, this client, the other login

    await expect(client.request(ME)).rejects.toMatchObject({
      name: 'LoginRequiredError',
      reason: 'SESSION_REVOKED',
    });
    expect(loginRequired).toEqual(['SESSION_REVOKED']);
    expect(client.loggedIn).toBe(false);
    expect(counts.refreshes).toBe(0);
  });

  it.each<Timing>(['natural', 'join', 'late'])(
    'reports login required once when the refresh fails for concurrent calls (revoked while expired; %s)',
    async (timing) => {
      expect.assertions(4);
      const { client, email, counts, arm, loginRequired } = await loggedInClient();
      const other = await loginBearer(server.url, email);
      await gql(server.url, 'mutation { logoutAll }', {}, { token: other.accessToken });
      server.clock.advance(EXPIRE);
      arm(timing, 5);

      const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => client.request(ME)));

      expect(
        outcomes.map((o) =>
          o.status === 'rejected' && o.reason instanceof LoginRequiredError ? o.reason.reason : o,
        ),
      ).toEqual(Array(5).fill('SESSION_REVOKED'));
      expect(counts.refreshes).toBe(1);
      expect(loginRequired).toEqual(['SESSION_REVOKED']);
      expect(client.loggedIn).toBe(false);
    },
  );

  it('reports login required when its refresh token was used by someone else (REFRESH_TOKEN_REUSED)', async () => {
    expect.assertions(4);
    const { client, tokenHistory, loginRequired } = await loggedInClient();
    const stolen = tokenHistory[0]!.refreshToken;
    const thief = await gql<{ refresh: { refreshToken: string } }>(
      server.url,
      'mutation($t: String!) { refresh(refreshToken: $t) { refreshToken } }',
      { t: stolen },
    );
    expect(thief.body.data?.refresh.refreshToken).toBeTruthy();
    server.clock.advance(EXPIRE); // past the access token's life and the reuse grace (10 s)

    await expect(client.request(ME)).rejects.toMatchObject({
      name: 'LoginRequiredError',
      reason: 'REFRESH_TOKEN_REUSED',
    });
    expect(loginRequired).toEqual(['REFRESH_TOKEN_REUSED']);

    // Reuse revoked the whole session: the thief's pair is dead too.
    const again = await gql(
      server.url,
      'mutation($t: String!) { refresh(refreshToken: $t) { refreshToken } }',
      { t: thief.body.data!.refresh.refreshToken },
    );
    expect(again.body.errors?.[0]?.extensions?.reason).toBe('SESSION_REVOKED');
  });

  it('logs out: the session ends on the server, the tokens are forgotten, calls go out anonymously', async () => {
    expect.assertions(6);
    const { client, tokenHistory } = await loggedInClient();
    const { accessToken } = tokenHistory[0]!;

    await client.logout();

    expect(client.loggedIn).toBe(false);
    expect(tokenHistory.at(-1)).toBeNull();
    const old = await gql(server.url, ME, {}, { token: accessToken });
    expect(old.status).toBe(401);
    expect(old.body.errors?.[0]?.extensions?.reason).toBe('SESSION_REVOKED');
    await expect(client.request(ME)).resolves.toEqual({ me: null });
    await expect(client.request('{ mySessions { id } }')).rejects.toBeInstanceOf(LoginRequiredError);
  });

  it('logs out with an expired access token by refreshing first', async () => {
    const { client, counts, tokenHistory } = await loggedInClient();
    server.clock.advance(EXPIRE);

    await client.logout();

    expect(counts.refreshes).toBe(1);
    const refreshed = tokenHistory[1]!;
    const res = await gql(server.url, ME, {}, { token: refreshed.accessToken });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.reason).toBe('SESSION_REVOKED');
  });

  it('keeps a wrong password a plain error, not "login required"', async () => {
    expect.assertions(2);
    const { email } = await registerBearer(server.url);
    const client = new MobileClient({ url: server.url, fetch });
    const attempt = client.login(email, 'not the password at all');
    await expect(attempt).rejects.toBeInstanceOf(GatehouseError);
    await expect(attempt).rejects.toMatchObject({
      name: 'GatehouseError',
      code: 'UNAUTHENTICATED',
      reason: 'INVALID_CREDENTIALS',
    });
  });
});
