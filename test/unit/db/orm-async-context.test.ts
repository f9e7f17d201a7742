import asyncHooks from 'node:async_hooks';
import { IdleAsyncLocalStorage, loadWithIdleStorages } from '../../../src/db/orm-async-context.js';

/** Node's own flag: whether the storage is on (and with it, while any storage is, the process-wide async hook). */
const enabled = (storage: asyncHooks.AsyncLocalStorage<unknown>) =>
  (storage as unknown as { enabled: boolean }).enabled;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('IdleAsyncLocalStorage', () => {
  it('holds the store across awaits inside a run, then turns itself off when the run settles', async () => {
    const storage = new IdleAsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    const result = await storage.run('tx', async () => {
      seen.push(storage.getStore());
      await tick();
      seen.push(storage.getStore());
      return 42;
    });
    expect(result).toBe(42);
    expect(seen).toEqual(['tx', 'tx']);
    expect(enabled(storage)).toBe(false);
    expect(storage.getStore()).toBeUndefined();
  });

  it('stays on while any run is in flight, each run seeing its own store', async () => {
    const storage = new IdleAsyncLocalStorage<string>();
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = storage.run('first', async () => {
      await firstHeld;
      return storage.getStore();
    });
    const second = await storage.run('second', async () => {
      await tick();
      return storage.getStore();
    });
    expect(second).toBe('second');
    expect(storage.active).toBe(true);
    expect(enabled(storage)).toBe(true);
    releaseFirst();
    await expect(first).resolves.toBe('first');
    expect(storage.active).toBe(false);
    expect(enabled(storage)).toBe(false);
  });

  it('hands a rejection to the caller and still turns off', async () => {
    const storage = new IdleAsyncLocalStorage<string>();
    const boom = new Error('boom');
    await expect(
      storage.run('tx', async () => {
        await tick();
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(enabled(storage)).toBe(false);
  });

  it('turns off after a synchronous run too, and on again for the next run', async () => {
    const storage = new IdleAsyncLocalStorage<number>();
    expect(storage.run(1, () => storage.getStore())).toBe(1);
    expect(enabled(storage)).toBe(false);
    await expect(storage.run(2, async () => storage.getStore())).resolves.toBe(2);
    expect(enabled(storage)).toBe(false);
  });
});

describe('loadWithIdleStorages', () => {
  it('gives the loaded code idle storages, and everything after it Node’s own again', () => {
    const made = loadWithIdleStorages(() => new asyncHooks.AsyncLocalStorage());
    expect(made).toBeInstanceOf(IdleAsyncLocalStorage);
    expect(new asyncHooks.AsyncLocalStorage()).not.toBeInstanceOf(IdleAsyncLocalStorage);
    expect(() =>
      loadWithIdleStorages(() => {
        throw new Error('load failed');
      }),
    ).toThrow('load failed');
    expect(asyncHooks.AsyncLocalStorage).not.toBe(IdleAsyncLocalStorage);
  });
});
