import { randomBytes } from 'node:crypto';
import { generateSigningJwk } from '../../src/auth/key-set.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { errorCode, gql } from '../support/client.js';
import { sql } from '../support/database.js';
import { productionEnv } from '../support/production-env.js';
import { useTestServer } from '../support/server.js';
import { PASSWORD, registerBearer } from '../support/users.js';

// OWASP ASVS V14.1 (build and deploy), V3.4 (cookie-based session management), V7.4 (error handling).
const t = useTestServer({
  env: async () => ({
    ...(await productionEnv()),
    TRUST_PROXY: 'loopback',
    CORS_ORIGINS: 'https://app.example.com',
  }),
});

describe('production refuses to start with an unsafe configuration', () => {
  let good: Record<string, string>;
  let publicOnly: string;
  beforeAll(async () => {
    good = await productionEnv();
    const { d: _d, ...publicJwk } = await generateSigningJwk('EdDSA');
    publicOnly = JSON.stringify({ keys: [publicJwk] });
  });

  it('starts with real keys, long random secrets and an https PUBLIC_URL (the control)', () => {
    expect(loadConfig(good).production).toBe(true);
  });

  it.each([
    ['PUBLIC_URL', 'missing', { PUBLIC_URL: undefined }],
    ['PUBLIC_URL', 'plain http', { PUBLIC_URL: 'http://api.example.com' }],
    ['JWT_KEYS', 'missing', { JWT_KEYS: undefined }],
    ['SESSION_SECRETS', 'missing', { SESSION_SECRETS: undefined }],
    ['SESSION_SECRETS', 'low in entropy', { SESSION_SECRETS: 'a'.repeat(32) }],
    ['SESSION_SECRETS', 'short', { SESSION_SECRETS: `${randomBytes(32).toString('base64url')},short` }],
    [
      'JWT_KEYS',
      'a symmetric key',
      { JWT_KEYS: JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'h' }] }) },
    ],
    [
      'JWT_KEYS',
      'on an unsupported curve',
      { JWT_KEYS: JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-384', x: 'x', y: 'y', d: 'd', kid: 'e' }] }) },
    ],
    [
      'JWT_KEYS',
      'not a key',
      { JWT_KEYS: JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'd', kid: 'k' }] }) },
    ],
    ['JWT_KEYS', 'a public key', 'public-only'],
    ['TRUST_PROXY', 'true (anyone)', { TRUST_PROXY: 'true' }],
    ['CORS_ORIGINS', 'plain http', { CORS_ORIGINS: 'http://app.example.com' }],
    ['ACCESS_TOKEN_TTL', '10 years', { ACCESS_TOKEN_TTL: '3650d' }],
    ['REFRESH_REUSE_GRACE', '30 days (reuse detection off)', { REFRESH_REUSE_GRACE: '30d' }],
    ['CSRF_PREVENTION', 'off', { CSRF_PREVENTION: 'false' }],
  ] as const)('refuses when %s is %s, naming it', (name, _what, change) => {
    const env = { ...good, ...(change === 'public-only' ? { JWT_KEYS: publicOnly } : change) };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${name}: `));
  });
});

describe('a production server', () => {
  it('sets a __Host- cookie that is Secure, HttpOnly, SameSite=Lax and Path=/ (behind a TLS proxy)', async () => {
    const user = await registerBearer(t.server.url);
    const res = await gql(
      t.server.url,
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { id } } }',
      { e: user.email, p: PASSWORD },
      {
        headers: { 'x-forwarded-proto': 'https' },
      },
    );
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-sid='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it('masks unexpected errors: a generic message and code, no stack, no SQL', async () => {
    const user = await registerBearer(t.server.url);
    // Break the database under the server on purpose: the audit table disappears.
    await sql(t.db, 'alter table audit_events rename to audit_events_hidden');
    try {
      const res = await gql(t.server.url, 'mutation { logout }', {}, { token: user.accessToken });
      expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
      expect(res.body.errors?.[0]?.message).toBe('Internal server error');
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/audit_events|insert into|stacktrace|node_modules|\.ts:/);
      // It is logged for the operator instead.
      const logged = t.server.logs.filter((l) => l.includes('"level":50') && l.includes('unexpected error'));
      expect(logged.length).toBeGreaterThan(0);
      // …without the statement's values: SQL errors inline them, and they can hold hashes of secrets.
      expect(logged.join('\n')).not.toMatch(/insert into|values \(/i);
      expect(logged.join('\n')).toMatch(/"type":"TableNotFoundException","code":"42P01"/);
    } finally {
      await sql(t.db, 'alter table audit_events_hidden rename to audit_events');
    }
  });

  it('keeps expected errors and their codes', async () => {
    const res = await gql(t.server.url, '{ users { id } }');
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(res.body)).not.toMatch(/stacktrace/);
  });
});
