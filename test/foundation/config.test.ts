import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config.js';
import { productionEnv, TEST_PUBLIC_URL } from '../support/production-env.js';

/** Expects loadConfig to refuse with a ConfigError whose message starts with the variable's name. */
function expectRefused(env: Record<string, string | undefined>, name: string, detail?: RegExp) {
  let error: unknown;
  try {
    loadConfig(env);
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(ConfigError); // fails when nothing was thrown
  expect((error as Error).message.startsWith(`${name}: `)).toBe(true);
  if (detail) expect((error as Error).message).toMatch(detail);
}

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe('.data');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:4000');
    expect(config.jwt.issuer).toBe('http://localhost:4000');
    expect(config.jwt.accessTokenTtlSec).toBe(900);
    expect(config.session.idleTtlSec).toBe(7 * 86400);
    expect(config.session.absoluteTtlSec).toBe(30 * 86400);
    expect(config.session.refreshReuseGraceSec).toBe(10);
    expect(config.session.cookieSameSite).toBe('lax');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.jwt)).toBe(true);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://x'],
    ['ACCESS_TOKEN_TTL', '15 minutes'],
    ['COOKIE_SAMESITE', 'sometimes'],
    ['CORS_ORIGINS', 'https://ok.example.com,https://bad.example.com/path'],
    ['JWT_KEYS', '{"keys":[{"kty":"RSA","n":"x","e":"AQAB","d":"y","kid":"k"}]}'],
    ['GRAPHQL_INTROSPECTION', 'maybe'],
    ['PUBLIC_URL', 'https://api.example.com/graphql'],
    ['PUBLIC_URL', 'ftp://api.example.com'],
    ['PUBLIC_URL', 'api.example.com'],
  ])('names %s when it is %p', (name, value) => {
    expectRefused({ [name]: value }, name);
  });

  it('parses durations in s, m, h and d', () => {
    const config = loadConfig({
      ACCESS_TOKEN_TTL: '30s',
      SESSION_IDLE_TTL: '12h',
      SESSION_ABSOLUTE_TTL: '7d',
    });
    expect(config.jwt.accessTokenTtlSec).toBe(30);
    expect(config.session.idleTtlSec).toBe(12 * 3600);
    expect(config.session.absoluteTtlSec).toBe(7 * 86400);
  });

  it('wants ADMIN_EMAIL and ADMIN_PASSWORD together', () => {
    expect(() => loadConfig({ ADMIN_EMAIL: 'a@b.co' })).toThrow(/^ADMIN_EMAIL:/);
  });
});

describe('the public URL and the token issuer', () => {
  it('takes the issuer from PUBLIC_URL, never from the listening port', () => {
    expect(loadConfig({ PORT: '4001' }).jwt.issuer).toBe('http://localhost:4000');
    const config = loadConfig({ PORT: '4001', PUBLIC_URL: 'https://api.example.com' });
    expect(config.publicUrl).toBe('https://api.example.com');
    expect(config.jwt.issuer).toBe('https://api.example.com');
    expect(
      loadConfig({ PUBLIC_URL: 'https://api.example.com', JWT_ISSUER: 'urn:gatehouse' }).jwt.issuer,
    ).toBe('urn:gatehouse');
  });

  it('refuses production without PUBLIC_URL, naming it, or with an http one', async () => {
    const prod = await productionEnv();
    expectRefused({ ...prod, PUBLIC_URL: undefined }, 'PUBLIC_URL', /required in production/);
    expectRefused({ ...prod, PUBLIC_URL: 'http://api.example.com' }, 'PUBLIC_URL', /https/);
    expect(loadConfig(prod).publicUrl).toBe(TEST_PUBLIC_URL);
    // Outside production a plain-http origin is the development default.
    expect(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:4000' }).publicUrl).toBe('http://127.0.0.1:4000');
  });
});

describe('every duration and limit has bounds, in every mode', () => {
  it.each([
    ['ACCESS_TOKEN_TTL', '3650d'],
    ['ACCESS_TOKEN_TTL', '61m'],
    ['ACCESS_TOKEN_TTL', '29s'],
    ['REFRESH_REUSE_GRACE', '30d'],
    ['REFRESH_REUSE_GRACE', '61s'],
    ['SESSION_IDLE_TTL', '91d'],
    ['SESSION_IDLE_TTL', '0s'],
    ['SESSION_ABSOLUTE_TTL', '401d'],
    ['RATE_LIMIT_LOGIN_LOCKOUT', '2h'],
    ['RATE_LIMIT_LOGIN_LOCKOUT', '0s'],
    ['RATE_LIMIT_ACCOUNT_FAILURES_WINDOW', '2d'],
    ['RATE_LIMIT_LOGIN_PER_IP_WINDOW', '0s'],
    ['RATE_LIMIT_REGISTER_PER_IP_WINDOW', '30d'],
    ['RATE_LIMIT_REFRESH_PER_SESSION_WINDOW', '2d'],
    ['TRUST_PROXY', '11'],
  ])('refuses %s=%s, naming it and the range', (name, value) => {
    expectRefused({ [name]: value }, name, /expected (a duration from|at most)/);
  });

  it('accepts the bounds themselves', () => {
    const low = loadConfig({ ACCESS_TOKEN_TTL: '30s', REFRESH_REUSE_GRACE: '0s', SESSION_IDLE_TTL: '1m' });
    expect([low.jwt.accessTokenTtlSec, low.session.refreshReuseGraceSec, low.session.idleTtlSec]).toEqual([
      30, 0, 60,
    ]);
    const high = loadConfig({
      ACCESS_TOKEN_TTL: '1h',
      REFRESH_REUSE_GRACE: '60s',
      SESSION_IDLE_TTL: '90d',
      SESSION_ABSOLUTE_TTL: '400d',
      RATE_LIMIT_LOGIN_LOCKOUT: '1h',
      RATE_LIMIT_ACCOUNT_FAILURES_WINDOW: '1d',
      TRUST_PROXY: '10',
    });
    expect(high.jwt.accessTokenTtlSec).toBe(3600);
    expect(high.session.absoluteTtlSec).toBe(400 * 86400);
    expect(high.trustProxy).toBe(10);
  });
});

describe('production refuses unsafe settings, naming them', () => {
  it('refuses production without signing keys or session secrets, or with a short session secret', async () => {
    const prod = await productionEnv();
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/^PUBLIC_URL:/);
    expect(() => loadConfig({ ...prod, JWT_KEYS: undefined })).toThrow(/^JWT_KEYS:/);
    expect(() => loadConfig({ ...prod, SESSION_SECRETS: undefined })).toThrow(/^SESSION_SECRETS:/);
    expect(() => loadConfig({ ...prod, SESSION_SECRETS: 'short' })).toThrow(
      /^SESSION_SECRETS: entry 1 is shorter than 32 bytes/,
    );
    const ok = loadConfig(prod);
    expect(ok.production).toBe(true);
    expect(ok.graphql.introspection).toBe(false);
  });

  it.each([
    ['11 distinct characters', 'abcdefghijkkjihgfedcbaabcdefghijk', /fewer than 12 distinct characters/],
    ['one character', 'x'.repeat(32), /a repeated pattern/],
    ['a repeated pattern', 'correct-horse-'.repeat(3), /a repeated pattern/],
    ['a low estimated entropy', `${'a'.repeat(40)}bcdefghijklm`, /estimated \d+ bits of entropy/],
  ])('refuses a low-entropy session secret (%s), naming its entry', async (_what, weak, detail) => {
    const prod = await productionEnv();
    expectRefused({ ...prod, SESSION_SECRETS: `${prod.SESSION_SECRETS},${weak}` }, 'SESSION_SECRETS', detail);
  });

  it('accepts generated session secrets: openssl rand -base64 48, -hex 32, 32 random bytes as base64url', async () => {
    const prod = await productionEnv();
    for (let i = 0; i < 50; i++) {
      const secrets = [
        randomBytes(48).toString('base64'),
        randomBytes(32).toString('hex'),
        randomBytes(32).toString('base64url'),
      ];
      expect(loadConfig({ ...prod, SESSION_SECRETS: secrets.join(',') }).session.secrets).toEqual(secrets);
    }
  });

  it('refuses TRUST_PROXY=true in production (a hop count or addresses instead), and allows it outside', async () => {
    const prod = await productionEnv();
    expectRefused({ ...prod, TRUST_PROXY: 'true' }, 'TRUST_PROXY', /hop count/);
    expect(loadConfig({ ...prod, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...prod, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
    ]);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it('refuses plain-http CORS origins in production, and allows http://localhost outside', async () => {
    const prod = await productionEnv();
    expectRefused(
      { ...prod, CORS_ORIGINS: 'https://app.example.com,http://app.example.com' },
      'CORS_ORIGINS',
      /"http:\/\/app\.example\.com"/,
    );
    expectRefused({ ...prod, CORS_ORIGINS: 'http://localhost:5173' }, 'CORS_ORIGINS', /https/);
    expect(loadConfig({ ...prod, CORS_ORIGINS: 'https://app.example.com' }).corsOrigins).toEqual([
      'https://app.example.com',
    ]);
    expect(loadConfig({ CORS_ORIGINS: 'http://localhost:5173' }).corsOrigins).toEqual([
      'http://localhost:5173',
    ]);
  });
});
