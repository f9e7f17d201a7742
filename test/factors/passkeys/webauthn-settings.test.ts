import { ConfigError, loadConfig } from '../../../src/config.js';
import { productionEnv } from '../../support/production-env.js';

/*
 * WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS: the relying party defaults to PUBLIC_URL's host, and the origins allowed to
 * present passkeys to PUBLIC_URL's origin plus the CORS origins on the RP's domain (the SPA).
 */

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted it');
}

describe('the WebAuthn relying party', () => {
  it('defaults to PUBLIC_URL: its host is the RP ID, its origin the one allowed', () => {
    expect(loadConfig({}).webauthn).toEqual({ rpId: 'localhost', origins: ['http://localhost:4000'] });
    expect(loadConfig({ PUBLIC_URL: 'https://api.example.com' }).webauthn).toEqual({
      rpId: 'api.example.com',
      origins: ['https://api.example.com'],
    });
  });

  it('adds the CORS origins on the RP domain (the SPA), not the others', () => {
    const config = loadConfig({
      PUBLIC_URL: 'https://api.example.com',
      WEBAUTHN_RP_ID: 'example.com',
      CORS_ORIGINS: 'https://app.example.com,https://studio.apollographql.com,https://example.com.evil.io',
    });
    expect(config.webauthn).toEqual({
      rpId: 'example.com',
      origins: ['https://api.example.com', 'https://app.example.com'],
    });
  });

  it('takes WEBAUTHN_ORIGINS instead when set', () => {
    const config = loadConfig({
      PUBLIC_URL: 'http://localhost:4000',
      WEBAUTHN_ORIGINS: 'http://localhost:5173, http://localhost:4000',
    });
    expect(config.webauthn).toEqual({
      rpId: 'localhost',
      origins: ['http://localhost:5173', 'http://localhost:4000'],
    });
  });

  it.each([
    [{ WEBAUTHN_RP_ID: 'Example.COM' }, /^WEBAUTHN_RP_ID: expected a lower-case host name/],
    [{ WEBAUTHN_RP_ID: 'https://example.com' }, /^WEBAUTHN_RP_ID: expected a lower-case host name/],
    [{ WEBAUTHN_RP_ID: 'example.com:443' }, /^WEBAUTHN_RP_ID: expected a lower-case host name/],
    [
      { PUBLIC_URL: 'https://api.example.com', WEBAUTHN_RP_ID: 'other.com' },
      /^WEBAUTHN_RP_ID: .*WEBAUTHN_ORIGINS/,
    ],
    [{ PUBLIC_URL: 'https://api.example.com', WEBAUTHN_RP_ID: 'i.example.com' }, /^WEBAUTHN_RP_ID: /],
    [{ WEBAUTHN_ORIGINS: 'https://evil.example' }, /^WEBAUTHN_ORIGINS: "https:\/\/evil.example" is not on/],
    [
      { WEBAUTHN_ORIGINS: 'https://localhost.evil.example' },
      /^WEBAUTHN_ORIGINS: .*is not on the relying party/,
    ],
    [{ WEBAUTHN_ORIGINS: 'http://localhost:5173/login' }, /^WEBAUTHN_ORIGINS: expected exact origins/],
    [{ WEBAUTHN_ORIGINS: ' , ' }, /^WEBAUTHN_ORIGINS: expected at least one origin/],
  ])('refuses %j', (env, message) => {
    expect(refusal(env)).toMatch(message);
  });

  it('refuses plain-http WebAuthn origins in production', async () => {
    const prod = await productionEnv();
    expect(
      refusal({ ...prod, WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'http://app.example.com' }),
    ).toMatch(/^WEBAUTHN_ORIGINS: must be https in production/);
    expect(loadConfig({ ...prod, WEBAUTHN_ORIGINS: 'https://api.example.com' }).webauthn.origins).toEqual([
      'https://api.example.com',
    ]);
  });
});
