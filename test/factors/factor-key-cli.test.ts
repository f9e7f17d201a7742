import { keysCli } from '../../src/cli/keys.js';
import { loadConfig } from '../../src/config.js';

// `npm run keys -- factor-key [--rotate]`: what an operator pastes into FACTOR_ENCRYPTION_KEY starts the server.
describe('keys factor-key', () => {
  it('prints a new 32-byte key that FACTOR_ENCRYPTION_KEY accepts', async () => {
    const key = await keysCli(['factor-key'], () => '');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(loadConfig({ FACTOR_ENCRYPTION_KEY: key }).factors.encryptionKeys).toEqual([key]);
  });

  it('--rotate puts a new key before the current list', async () => {
    const old = await keysCli(['factor-key'], () => '');
    const rotated = await keysCli(['factor-key', '--rotate'], () => `${old}\n`);
    const keys = rotated.split(',');
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(old);
    expect(keys[0]).not.toBe(old);
    expect(loadConfig({ FACTOR_ENCRYPTION_KEY: rotated }).factors.encryptionKeys).toEqual(keys);
  });

  it('--rotate refuses a current list the server would refuse, without echoing it', async () => {
    expect.assertions(2);
    const bad = 'not-a-key';
    const error = await keysCli(['factor-key', '--rotate'], () => bad).catch((e: Error) => e);
    expect(String(error)).toMatch(/the current list would not start the server/);
    expect(String(error)).not.toContain(bad);
  });
});
