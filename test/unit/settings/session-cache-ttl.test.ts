import { ConfigError, loadConfig } from '../../../src/config.js';

// SESSION_CACHE_TTL bounds how stale a per-instance session cache entry may get when an invalidation is missed.
describe('SESSION_CACHE_TTL', () => {
  it('defaults to 30 s', () => {
    expect(loadConfig({}).session.cacheTtlSec).toBe(30);
  });

  it.each([
    ['1s', 1],
    ['45s', 45],
    ['5m', 300],
  ])('accepts %s', (value, seconds) => {
    expect(loadConfig({ SESSION_CACHE_TTL: value }).session.cacheTtlSec).toBe(seconds);
  });

  it.each(['0s', '301s', '1h', 'soon'])('refuses %s, naming the variable', (value) => {
    expect.assertions(2);
    try {
      loadConfig({ SESSION_CACHE_TTL: value });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/^SESSION_CACHE_TTL: expected a duration/);
    }
  });
});
