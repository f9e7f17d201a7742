import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe('.data');
    expect(config.databaseUrl).toBeUndefined();
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
  ])('names %s when it is %p', (name, value) => {
    expect.assertions(2);
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message.startsWith(`${name}:`)).toBe(true);
    }
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

  it('refuses production without signing keys, or with a short session secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/^JWT_KEYS:/);
    const keys = JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'd', kid: 'k1' }] });
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_KEYS: keys })).toThrow(/^SESSION_SECRETS:/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_KEYS: keys, SESSION_SECRETS: 'short' })).toThrow(
      /^SESSION_SECRETS: entry 1 is shorter than 32 bytes/,
    );
    const ok = loadConfig({ NODE_ENV: 'production', JWT_KEYS: keys, SESSION_SECRETS: 'x'.repeat(32) });
    expect(ok.production).toBe(true);
    expect(ok.graphql.introspection).toBe(false);
  });

  it('wants ADMIN_EMAIL and ADMIN_PASSWORD together', () => {
    expect(() => loadConfig({ ADMIN_EMAIL: 'a@b.co' })).toThrow(/^ADMIN_EMAIL:/);
  });
});
