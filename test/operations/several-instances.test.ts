import { randomBytes } from 'node:crypto';
import { CookieJar, gql } from '../support/client.js';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { loginCookie, registerBearer, uniqueEmail, type BearerLogin } from '../support/users.js';
import { haproxyPlanFromEnv, startHaproxy, type Haproxy } from './haproxy.js';
import { scrape, sampleValue } from './metrics-scrape.js';

const plan = haproxyPlanFromEnv();
const TOKEN = randomBytes(24).toString('hex');
const ME = '{ me { id } }';

// A loud, explained skip (see haproxyPlanFromEnv).
const suite = plan.run ? describe : describe.skip;
if (!plan.run) console.error(plan.notice);

/** Awaits `check` by repeating a cheap round trip (never a timer), up to `tries` times. */
async function until(check: () => Promise<boolean>, what: string, tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) if (await check()) return;
  throw new Error(`never happened: ${what}`);
}

suite('three instances on one PostgreSQL behind HAProxy', () => {
  let db: TestDatabase;
  let servers: TestServer[];
  let proxy: Haproxy;
  const url = () => `${proxy.origin}/graphql`;

  beforeAll(async () => {
    db = await createTestDatabase();
    servers = [];
    for (let i = 0; i < 3; i++) servers.push(await startServer(db, { env: { METRICS_TOKEN: TOKEN } }));
    proxy = await startHaproxy(
      (plan as { path: string }).path,
      servers.map((s) => Number(new URL(s.origin).port)),
    );
  });
  afterAll(async () => {
    await proxy?.stop();
    for (const s of servers ?? []) await s.stop();
    await db?.close();
  });

  const meDirect = (s: TestServer, options: { token?: string; jar?: CookieJar }) =>
    gql(s.url, ME, {}, options);

  it('spreads requests over every instance and refuses revoked credentials on all of them', async () => {
    const bearers: BearerLogin[] = [];
    for (let i = 0; i < 6; i++) bearers.push(await registerBearer(url()));
    const cookieUser = await registerBearer(url(), uniqueEmail('cookie'));
    const { jar } = await loginCookie(url(), cookieUser.email);

    const servedBy = new Set<string>();
    for (const b of bearers) {
      const res = await gql(url(), ME, {}, { token: b.accessToken });
      expect(res.body.data).toEqual({ me: { id: b.userId } });
      servedBy.add(res.headers.get('x-served-by')!);
    }
    expect(servedBy.size).toBe(3);
    // Every instance caches both sessions before they are revoked.
    for (const s of servers) {
      expect((await meDirect(s, { token: bearers[0]!.accessToken })).status).toBe(200);
      expect((await meDirect(s, { jar: copy(jar) })).body.data).toEqual({ me: { id: cookieUser.userId } });
    }

    expect(
      (await gql(url(), 'mutation { logout }', {}, { token: bearers[0]!.accessToken })).body.errors,
    ).toBeUndefined();
    expect((await gql(url(), 'mutation { logout }', {}, { jar: copy(jar) })).body.errors).toBeUndefined();

    for (const s of servers) {
      const bearer = await meDirect(s, { token: bearers[0]!.accessToken });
      expect(bearer.status).toBe(401);
      expect(bearer.body.errors?.[0]?.extensions?.reason).toBe('SESSION_REVOKED');
      const cookie = await meDirect(s, { jar: copy(jar) });
      expect(cookie.body.data?.me ?? null).toBeNull();
    }
  });

  it('loses no request beyond those in flight when an instance dies', async () => {
    const user = await registerBearer(url());
    const victim = servers[2]!;
    const results: number[] = [];
    const worker = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const res = await gql(url(), ME, {}, { token: user.accessToken }).catch(() => ({ status: 0 }));
        results.push(res.status);
        if (results.length === 30) {
          // Killed, not drained: the listening socket and every open connection go at once.
          victim.app.httpServer.close();
          victim.app.httpServer.closeAllConnections();
        }
      }
    };
    const concurrency = 4;
    await Promise.all(Array.from({ length: concurrency }, () => worker(30)));
    const failed = results.filter((s) => s !== 200).length;
    expect(results).toHaveLength(120);
    expect(failed).toBeLessThanOrEqual(concurrency);
    await victim.stop();
    servers = servers.slice(0, 2);
  });

  it("falls back to the database when an instance's listener connection dies, then recovers", async () => {
    const [pid] = await sql<{ pid: number }>(
      db,
      "select pid from pg_stat_activity where application_name = 'gatehouse-listener' and datname = current_database() limit 1",
    );
    await sql(db, 'select pg_terminate_backend($1)', [pid!.pid]);
    const lost = () => servers.findIndex((s) => s.logs.some((l) => l.includes('invalidation channel lost')));
    await until(
      async () => (await fetch(`${servers[0]!.origin}/healthz`)).ok && lost() >= 0,
      'the loss is logged',
    );
    const hit = servers[lost()]!;
    // Meanwhile it answers from the database; once the listener is back it is ready again.
    const user = await registerBearer(url());
    expect((await meDirect(hit, { token: user.accessToken })).status).toBe(200);
    await until(async () => (await fetch(`${hit.origin}/readyz`)).status === 200, 'the listener is back');
    expect(sampleValue(await scrape(hit.origin, TOKEN), 'gatehouse_invalidation_listener_up')).toBe(1);

    expect(
      (await gql(url(), 'mutation { logout }', {}, { token: user.accessToken })).body.errors,
    ).toBeUndefined();
    for (const s of servers) expect((await meDirect(s, { token: user.accessToken })).status).toBe(401);
  });

  it('measures propagation to every instance', async () => {
    for (let i = 0; i < 40; i++) {
      const user = await registerBearer(url());
      await gql(url(), 'mutation { logout }', {}, { token: user.accessToken });
    }
    // Each instance answers only after its own echo; ask the others after one more round trip each.
    for (const s of servers) {
      const text = await scrape(s.origin, TOKEN);
      const count = sampleValue(text, 'gatehouse_revocation_propagation_seconds_count');
      expect(count).toBeGreaterThan(0);
      console.error(
        `propagation on ${s.origin}: n=${count} p50<=${quantile(text, 0.5)}s p99<=${quantile(text, 0.99)}s`,
      );
    }
  });
});

function copy(jar: CookieJar): CookieJar {
  const c = new CookieJar();
  const header = jar.header();
  for (const pair of header ? header.split('; ') : []) {
    const eq = pair.indexOf('=');
    c.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return c;
}

/** The upper bound of the histogram bucket holding quantile `q`. */
function quantile(text: string, q: number): string {
  const name = 'gatehouse_revocation_propagation_seconds';
  const buckets = text
    .split('\n')
    .filter((l) => l.startsWith(`${name}_bucket{le=`))
    .map((l) => ({ le: /le="([^"]+)"/.exec(l)![1]!, n: Number(l.split(' ')[1]) }));
  const total = buckets[buckets.length - 1]!.n;
  return buckets.find((b) => b.n >= q * total)!.le;
}
