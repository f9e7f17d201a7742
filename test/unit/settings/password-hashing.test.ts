import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from '../../../src/config.js';

// PASSWORD_HASH_CONCURRENCY / PASSWORD_HASH_QUEUE: how many argon2 operations run at once, how many more may wait.
describe('password hashing settings', () => {
  it('default to one fewer than the CPUs (at least one) and a queue of 64', () => {
    expect(loadConfig({}).passwordHashing).toEqual({
      concurrency: Math.max(1, availableParallelism() - 1),
      queue: 64,
    });
  });

  it('accept 0 (no cap, for measurements) and explicit values', () => {
    expect(loadConfig({ PASSWORD_HASH_CONCURRENCY: '0' }).passwordHashing.concurrency).toBe(0);
    expect(loadConfig({ PASSWORD_HASH_CONCURRENCY: '3', PASSWORD_HASH_QUEUE: '0' }).passwordHashing).toEqual({
      concurrency: 3,
      queue: 0,
    });
  });

  it.each([
    ['PASSWORD_HASH_CONCURRENCY', '-1'],
    ['PASSWORD_HASH_CONCURRENCY', '257'],
    ['PASSWORD_HASH_CONCURRENCY', 'two'],
    ['PASSWORD_HASH_QUEUE', '-1'],
    ['PASSWORD_HASH_QUEUE', '100001'],
    ['PASSWORD_HASH_QUEUE', '1.5'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect.assertions(2);
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message.startsWith(`${name}: `)).toBe(true);
    }
  });
});
