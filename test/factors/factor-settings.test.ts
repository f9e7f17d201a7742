import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ConfigError, loadConfig } from '../../src/config.js';
import { resolveFactorKeys } from '../../src/factors/factor-keys.js';
import { createLogger } from '../../src/logger.js';
import { productionEnv } from '../support/production-env.js';

// FACTOR_ENCRYPTION_KEY and REQUIRE_MFA_FOR_ROLES, parsed like the other settings (config.test.ts style).
function refusal(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted the environment');
}

const hexKey = () => randomBytes(32).toString('hex');
const b64Key = () => randomBytes(32).toString('base64url');
const silent = createLogger(
  'silent',
  new Writable({
    write(_chunk, _enc, done) {
      done();
    },
  }),
);

describe('FACTOR_ENCRYPTION_KEY', () => {
  it('is required in production', async () => {
    const env = { ...(await productionEnv()), FACTOR_ENCRYPTION_KEY: undefined };
    expect(refusal(env)).toMatch(/^FACTOR_ENCRYPTION_KEY: required in production/);
  });

  it('takes a list of 64-hex or 43-base64url keys, the first first', () => {
    const keys = [hexKey(), b64Key()];
    expect(loadConfig({ FACTOR_ENCRYPTION_KEY: keys.join(', ') }).factors.encryptionKeys).toEqual(keys);
    expect(loadConfig({}).factors.encryptionKeys).toBeUndefined();
  });

  it.each([
    ['too short', randomBytes(16).toString('hex')],
    ['not hex or base64url', 'z'.repeat(64)],
    ['base64 with padding', randomBytes(32).toString('base64')],
  ])('refuses a key that is %s, naming the entry and not the value', (_what, bad) => {
    const message = refusal({ FACTOR_ENCRYPTION_KEY: `${hexKey()},${bad}` });
    expect(message).toMatch(/^FACTOR_ENCRYPTION_KEY: entry 2 /);
    expect(message).not.toContain(bad);
  });

  it('refuses the same key twice (in either spelling)', () => {
    const key = randomBytes(32);
    const message = refusal({ FACTOR_ENCRYPTION_KEY: `${key.toString('hex')},${key.toString('base64url')}` });
    expect(message).toMatch(/^FACTOR_ENCRYPTION_KEY: the same key is listed twice/);
  });

  it('outside production without it: one key generated under DATA_DIR (0600), kept across restarts', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-factor-key-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = resolveFactorKeys(config, silent);
    const second = resolveFactorKeys(config, silent);
    expect(first).toHaveLength(1);
    expect(first[0]!.equals(second[0]!)).toBe(true);
    expect(statSync(join(dataDir, 'dev-factor-key')).mode & 0o777).toBe(0o600);
    // A damaged file is refused, not silently replaced (its secrets would become unreadable).
    writeFileSync(join(dataDir, 'dev-factor-key'), 'not a key');
    expect(() => resolveFactorKeys(config, silent)).toThrow(/dev-factor-key: not a 32-byte key/);
  });
});

describe('REQUIRE_MFA_FOR_ROLES', () => {
  it('is empty by default and takes a comma list of roles', () => {
    expect(loadConfig({}).factors.requireMfaForRoles).toEqual([]);
    expect(loadConfig({ REQUIRE_MFA_FOR_ROLES: 'ADMIN, ADMIN' }).factors.requireMfaForRoles).toEqual([
      'ADMIN',
    ]);
  });

  it('refuses an unknown role', () => {
    expect(refusal({ REQUIRE_MFA_FOR_ROLES: 'ADMIN,ROOT' })).toMatch(/^REQUIRE_MFA_FOR_ROLES: /);
  });
});
