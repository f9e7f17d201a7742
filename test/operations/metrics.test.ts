import { randomBytes } from 'node:crypto';
import { parseInvalidation } from '../../src/sessions/invalidation.js';
import { gql } from '../support/client.js';
import { startServer, useTwoInstances } from '../support/server.js';
import { loginBearer, PASSWORD, registerBearer, uniqueEmail } from '../support/users.js';
import { gatehouseSeries, sampleValue, scrape } from './metrics-scrape.js';

const TOKEN = randomBytes(24).toString('hex');
const ME = '{ me { id } }';

describe('/metrics', () => {
  const ctx = useTwoInstances({ env: { METRICS_TOKEN: TOKEN } });

  it('is not served at all (404) when METRICS_TOKEN is unset', async () => {
    const bare = await startServer(ctx.db);
    try {
      const res = await fetch(`${bare.origin}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(404);
    } finally {
      await bare.stop();
    }
  });

  it.each([
    ['no Authorization', undefined],
    ['a wrong token', `Bearer ${TOKEN.slice(1)}x`],
    ['the token without the scheme', TOKEN],
    ['a longer token', `Bearer ${TOKEN}${TOKEN}`],
  ])('refuses %s with 401', async (_what, authorization) => {
    const res = await fetch(`${ctx.a.origin}/metrics`, {
      headers: authorization === undefined ? {} : { authorization },
    });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('gatehouse_');
  });

  it('serves the contract names and the default process metrics to the scraper', async () => {
    const text = await scrape(ctx.a.origin, TOKEN);
    for (const name of [
      'gatehouse_authentications_total',
      'gatehouse_session_cache_requests_total',
      'gatehouse_invalidation_listener_up',
      'gatehouse_revocation_propagation_seconds',
      'gatehouse_revocations_unconfirmed_total',
      'gatehouse_logins_total',
      'gatehouse_http_request_duration_seconds',
      'gatehouse_mail_outbox_pending',
      'gatehouse_websocket_connections',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
    ])
      expect(text).toContain(`# TYPE ${name} `);
    expect(sampleValue(text, 'gatehouse_invalidation_listener_up')).toBe(1);
  });

  it('counts authentications, logins and cache lookups on the instance that served them, and only there', async () => {
    const before = { a: await scrape(ctx.a.origin, TOKEN), b: await scrape(ctx.b.origin, TOKEN) };
    const user = await registerBearer(ctx.a.url);
    const again = await loginBearer(ctx.a.url, user.email);
    const wrong = await gql(
      ctx.a.url,
      'mutation($e: String!) { login(email: $e, password: "nope-nope-nope") { user { id } } }',
      { e: user.email },
    );
    expect(wrong.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (let i = 0; i < 3; i++)
      expect((await gql(ctx.a.url, ME, {}, { token: again.accessToken })).status).toBe(200);
    expect((await gql(ctx.a.url, ME, {}, { token: 'not-a-token' })).status).toBe(401);

    const after = await scrape(ctx.a.origin, TOKEN);
    const delta = (series: string) => sampleValue(after, series) - sampleValue(before.a, series);
    expect(delta('gatehouse_logins_total{outcome="success"}')).toBe(1);
    expect(delta('gatehouse_logins_total{outcome="invalid_credentials"}')).toBe(1);
    expect(delta('gatehouse_authentications_total{transport="bearer",outcome="success",reason="none"}')).toBe(
      3,
    );
    expect(
      delta('gatehouse_authentications_total{transport="bearer",outcome="refused",reason="TOKEN_INVALID"}'),
    ).toBe(1);
    // The first request reads the session from the database, the next two are served from the cache.
    expect(delta('gatehouse_session_cache_requests_total{result="hit"}')).toBeGreaterThanOrEqual(2);
    expect(delta('gatehouse_session_cache_requests_total{result="miss"}')).toBeGreaterThanOrEqual(1);
    expect(
      delta('gatehouse_http_request_duration_seconds_count{route="/graphql",status="2xx"}'),
    ).toBeGreaterThanOrEqual(6);

    // Instance b saw none of it: each app has its own registry.
    const b = await scrape(ctx.b.origin, TOKEN);
    expect(sampleValue(b, 'gatehouse_logins_total{outcome="success"}')).toBe(
      sampleValue(before.b, 'gatehouse_logins_total{outcome="success"}'),
    );
  });

  it('measures revocation propagation from the announcing transaction to the listener', async () => {
    const before = await scrape(ctx.a.origin, TOKEN);
    const user = await registerBearer(ctx.a.url);
    const out = await gql(ctx.a.url, 'mutation { logout }', {}, { token: user.accessToken });
    expect(out.body.errors).toBeUndefined();
    // The revoking request answers once its own announcement came back, so this instance has observed it.
    const after = await scrape(ctx.a.origin, TOKEN);
    const count = 'gatehouse_revocation_propagation_seconds_count';
    expect(sampleValue(after, count)).toBeGreaterThan(sampleValue(before, count));
    expect(sampleValue(after, 'gatehouse_revocation_propagation_seconds_sum')).toBeLessThan(60);
  });

  it('never labels by user, email, IP or operation text, and its series count stays bounded', async () => {
    const warm = async (n: number) => {
      const seen: string[] = [];
      for (let i = 0; i < n; i++) {
        const email = uniqueEmail('label');
        const ip = `203.0.113.${(i % 250) + 1}`;
        seen.push(email, ip);
        const headers = { 'x-forwarded-for': ip, 'user-agent': `agent-${email}` };
        const op = `mutation Op${i}($e: String!, $p: String!) { login(email: $e, password: $p) { user { id } } }`;
        await gql(ctx.b.url, op, { e: email, p: PASSWORD }, { headers });
        await gql(ctx.b.url, `query Q${i} { me { id } }`, {}, { headers, token: `junk.${email}` });
        await fetch(`${ctx.b.origin}/no/such/${encodeURIComponent(email)}`);
      }
      return seen;
    };
    await warm(3);
    const first = gatehouseSeries(await scrape(ctx.b.origin, TOKEN)).length;
    const seen = await warm(20);
    const text = await scrape(ctx.b.origin, TOKEN);
    expect(gatehouseSeries(text)).toHaveLength(first);
    for (const value of seen) expect(text).not.toContain(value);
    expect(text).not.toMatch(/Op\d+|Q\d+|example\.com|203\.0\.113|no\/such/);
  });
});

describe('invalidation payloads', () => {
  const id = '0b8f4a52-4a7e-4f0b-9a55-2f0c8a7f1e11';

  it("accepts the SQL triggers' payload without a time and the app's with one", () => {
    expect(parseInvalidation(`s:${id}`)).toEqual({
      payload: `s:${id}`,
      invalidation: { kind: 'session', id },
      sentAt: undefined,
    });
    expect(parseInvalidation(`u:${id}:1764000000123`)).toEqual({
      payload: `u:${id}:1764000000123`,
      invalidation: { kind: 'user', id },
      sentAt: 1764000000123,
    });
  });

  it.each([`x:${id}`, `s:${id}:`, `s:${id}:12a`, `s:${id}:-5`, 's:not-an-id', ''])(
    'ignores %p',
    (payload) => {
      expect(parseInvalidation(payload)).toBeNull();
    },
  );
});
