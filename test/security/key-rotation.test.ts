import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { loadKeySet } from '../../src/auth/key-set.js';
import { keysCli } from '../../src/cli/keys.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { errorReason, gql } from '../support/client.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startServer } from '../support/server.js';
import { registerBearer } from '../support/users.js';

// RFC 7517 key sets, RFC 8725 §3.1 (pinned algorithms): a rotated set signs with the new key and still verifies
// the old one; a key removed from the set stops verifying at once.
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe('npm run keys', () => {
  it('generates a set of one private Ed25519 key with a kid', async () => {
    const set = JSON.parse(await keysCli(['generate'], () => '')) as { keys: Record<string, string>[] };
    expect(set.keys).toHaveLength(1);
    expect(set.keys[0]).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      kid: expect.any(String),
      d: expect.any(String),
    });
    const es = JSON.parse(await keysCli(['generate', '--alg', 'ES256'], () => '')) as {
      keys: Record<string, string>[];
    };
    expect(es.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
  });

  it('rotates: a new active key first, the old ones kept', async () => {
    const first = await keysCli(['generate'], () => '');
    const rotated = JSON.parse(await keysCli(['rotate'], () => first)) as { keys: { kid: string }[] };
    const old = JSON.parse(first) as { keys: { kid: string }[] };
    expect(rotated.keys).toHaveLength(2);
    expect(rotated.keys[1]!.kid).toBe(old.keys[0]!.kid);
    expect(rotated.keys[0]!.kid).not.toBe(old.keys[0]!.kid);
    const pruned = JSON.parse(await keysCli(['rotate', '--keep', '0'], () => JSON.stringify(rotated))) as {
      keys: unknown[];
    };
    expect(pruned.keys).toHaveLength(1);
  });

  it('refuses input that is not a usable set', async () => {
    await expect(keysCli(['rotate'], () => 'not json')).rejects.toThrow(/JWK Set/);
    await expect(keysCli(['rotate'], () => '{"keys":[{"kty":"RSA","kid":"r"}]}')).rejects.toThrow(
      /unsupported key type/,
    );
    await expect(keysCli(['frobnicate'], () => '')).rejects.toThrow(/usage/);
  });

  it('prints only sets the server starts with', async () => {
    const generated = await keysCli(['generate'], () => '');
    const printed = [
      generated,
      await keysCli(['generate', '--alg', 'ES256'], () => ''),
      await keysCli(['rotate', '--alg', 'ES256'], () => generated),
      await keysCli(['rotate', '--keep', '0'], () => generated),
    ];
    for (const set of printed) {
      const config = loadConfig({ JWT_KEYS: set });
      expect(config.jwt.keys).toEqual(JSON.parse(set).keys);
      await expect(loadKeySet(config.jwt.keys!)).resolves.toBeDefined();
    }
  });

  describe('refuses, like JWT_KEYS and with the same reason, a set the server would refuse', () => {
    let valid: Record<string, unknown>;
    let other: Record<string, unknown>;
    beforeAll(async () => {
      valid = (JSON.parse(await keysCli(['generate'], () => '')) as { keys: Record<string, unknown>[] })
        .keys[0]!;
      other = (JSON.parse(await keysCli(['generate'], () => '')) as { keys: Record<string, unknown>[] })
        .keys[0]!;
    });
    const p384 = () => ({
      ...generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' }),
      kid: 'p384',
    });

    it.each<[string, () => unknown]>([
      ['not JSON', () => 'not json'],
      ['an empty set', () => ({ keys: [] })],
      ['a public key (no "d")', () => ({ keys: [{ ...valid, d: undefined }] })],
      ['two keys with one kid', () => ({ keys: [valid, { ...other, kid: valid.kid }] })],
      ['an unsupported curve (P-384)', () => ({ keys: [p384()] })],
      ['a key without a kid', () => ({ keys: [{ ...valid, kid: undefined }] })],
      ['a public half from another key', () => ({ keys: [{ ...valid, x: other.x }] })],
      ['a padded member', () => ({ keys: [{ ...valid, d: `${String(valid.d)}=` }] })],
      ['an "alg" the key cannot use', () => ({ keys: [{ ...valid, alg: 'ES256' }] })],
    ])('%s', async (_what, make) => {
      const made = make();
      const set = typeof made === 'string' ? made : JSON.stringify(made);
      let configProblem = '';
      try {
        loadConfig({ JWT_KEYS: set });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        configProblem = (error as Error).message.replace(/^JWT_KEYS: /, '');
      }
      expect(configProblem).not.toBe('');
      await expect(keysCli(['rotate'], () => set)).rejects.toThrow(
        `the current set would not start the server: ${configProblem}`,
      );
    });
  });

  it('serves the rotation: old tokens verify during the overlap and die when their key is removed', async () => {
    const original = await keysCli(['generate'], () => '');
    const before = await startServer(db, { env: { JWT_KEYS: original } });
    const login = await registerBearer(before.url);
    await before.stop();

    const rotated = await keysCli(['rotate'], () => original);
    const during = await startServer(db, { env: { JWT_KEYS: rotated } });
    try {
      expect((await gql(during.url, '{ me { id } }', {}, { token: login.accessToken })).status).toBe(200);
      const fresh = await registerBearer(during.url);
      const newKid = (JSON.parse(rotated) as { keys: { kid: string }[] }).keys[0]!.kid;
      expect(decodeProtectedHeader(fresh.accessToken).kid).toBe(newKid);
      const jwks = (await (await fetch(`${during.origin}/.well-known/jwks.json`)).json()) as {
        keys: unknown[];
      };
      expect(jwks.keys).toHaveLength(2);
    } finally {
      await during.stop();
    }

    const pruned = await keysCli(['rotate', '--keep', '0'], () => rotated);
    const after = await startServer(db, { env: { JWT_KEYS: pruned } });
    try {
      const res = await gql(after.url, '{ me { id } }', {}, { token: login.accessToken });
      expect(res.status).toBe(401);
      expect(errorReason(res)).toBe('TOKEN_INVALID');
    } finally {
      await after.stop();
    }
  });
});
