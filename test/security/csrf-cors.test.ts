import { loadConfig } from '../../src/config.js';
import { originAllowed } from '../../src/http/cors.js';
import { gql } from '../support/client.js';
import { productionEnv } from '../support/production-env.js';
import { useTestServer } from '../support/server.js';
import { loginCookie, registerBearer } from '../support/users.js';

const t = useTestServer({ env: { CORS_ORIGINS: 'https://app.example.com' } });

const ME = '{ me { id } }';

describe('CSRF — OWASP CSRF cheat sheet: verifying origin with standard headers', () => {
  it('lets a cookie request from an allowed origin through (the control)', async () => {
    const user = await registerBearer(t.server.url);
    const { jar } = await loginCookie(t.server.url, user.email);
    const res = await gql<{ me: { id: string } }>(
      t.server.url,
      ME,
      {},
      { jar, headers: { origin: 'https://app.example.com' } },
    );
    expect(res.status).toBe(200);
    expect(res.body.data?.me.id).toBe(user.userId);
  });

  it('refuses a cookie request from another origin with 403', async () => {
    const user = await registerBearer(t.server.url);
    const { jar } = await loginCookie(t.server.url, user.email);
    const res = await gql(
      t.server.url,
      'mutation { logoutAll }',
      {},
      { jar, headers: { origin: 'https://evil.example' } },
    );
    expect(res.status).toBe(403);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Nothing happened: the session is alive.
    expect((await gql<{ me: unknown }>(t.server.url, ME, {}, { jar })).body.data?.me).not.toBeNull();
  });

  it('refuses a login from another origin (login CSRF)', async () => {
    const user = await registerBearer(t.server.url);
    const res = await gql(
      t.server.url,
      'mutation($e: String!) { login(email: $e, password: "correct horse battery staple") { user { id } } }',
      {
        e: user.email,
      },
      { headers: { origin: 'https://evil.example' } },
    );
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('uses Sec-Fetch-Site when there is no Origin', async () => {
    const user = await registerBearer(t.server.url);
    const { jar } = await loginCookie(t.server.url, user.email);
    expect(
      (await gql(t.server.url, ME, {}, { jar, headers: { 'sec-fetch-site': 'same-origin' } })).status,
    ).toBe(200);
    expect(
      (await gql(t.server.url, ME, {}, { jar, headers: { 'sec-fetch-site': 'cross-site' } })).status,
    ).toBe(403);
  });

  it('exempts bearer requests: a browser never attaches Authorization on its own', async () => {
    const user = await registerBearer(t.server.url);
    const res = await gql(
      t.server.url,
      ME,
      {},
      { token: user.accessToken, headers: { origin: 'https://evil.example' } },
    );
    expect(res.status).toBe(200);
  });
});

describe('CORS — exact allow-list with credentials (OWASP HTML5 security cheat sheet)', () => {
  async function preflight(origin: string) {
    return fetch(t.server.url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
  }

  it('echoes an allowed origin with credentials and Vary: Origin, and exposes WWW-Authenticate', async () => {
    const res = await preflight('https://app.example.com');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toMatch(/Origin/);
    const actual = await gql(t.server.url, ME, {}, { headers: { origin: 'https://app.example.com' } });
    expect(actual.headers.get('access-control-expose-headers')).toMatch(/WWW-Authenticate/);
  });

  it.each(['https://evil.example', 'null', 'https://app.example.com.evil.example', 'http://app.example.com'])(
    'never reflects %s, and never answers *',
    async (origin) => {
      const res = await preflight(origin);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const actual = await gql(t.server.url, ME, {}, { headers: { origin } });
      expect(actual.headers.get('access-control-allow-origin')).toBeNull();
    },
  );

  it('allows localhost and Apollo Studio by default in development, and only what is configured in production', async () => {
    const dev = loadConfig({});
    expect(originAllowed(dev, 'http://localhost:5173')).toBe(true);
    expect(originAllowed(dev, 'https://studio.apollographql.com')).toBe(true);
    expect(originAllowed(dev, 'https://evil.example')).toBe(false);
    const prod = loadConfig(await productionEnv());
    expect(originAllowed(prod, 'http://localhost:5173')).toBe(false);
    expect(originAllowed(prod, 'https://studio.apollographql.com')).toBe(false);
  });
});
