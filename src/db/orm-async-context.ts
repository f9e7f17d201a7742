import asyncHooks from 'node:async_hooks';

/**
 * MikroORM keeps three AsyncLocalStorage instances (the transaction context, "inside a flush", raw-fragment
 * bookkeeping) and runs every flush and transaction inside one of them. On Node 20 the first run of any storage
 * turns on an async hook that from then on runs for every promise and async resource the process creates, for
 * good: one login, and every later request pays for it (measured in issue 17: 5-9 % of the CPU of `me`). MikroORM
 * only needs its storages while a flush or transaction runs, and Gatehouse never reads its global context (every
 * EntityManager is passed explicitly). So MikroORM is loaded here, while the module's AsyncLocalStorage is one that
 * turns itself off when no run of it is in flight. Nothing else in the process gets such storages: the swap lasts
 * only while MikroORM's modules load. (Node 22's AsyncContextFrame storage makes this unnecessary.)
 */
export class IdleAsyncLocalStorage<T> extends asyncHooks.AsyncLocalStorage<T> {
  #inFlight = 0;

  override run<R>(store: T, callback: () => R): R;
  override run<R, A extends unknown[]>(store: T, callback: (...args: A) => R, ...args: A): R;
  override run<R, A extends unknown[]>(store: T, callback: (...args: A) => R, ...args: A): R {
    const result = super.run(store, callback, ...args);
    if (!(result instanceof Promise)) {
      if (this.#inFlight === 0) this.disable();
      return result;
    }
    this.#inFlight++;
    // Turned off once the last run's promise settles; a later run turns it on again (a few microseconds).
    return result.finally(() => {
      if (--this.#inFlight === 0) this.disable();
    }) as R;
  }

  /** Whether a run is in flight, so the storage (and, if it is the last, Node's hook) is on. */
  get active(): boolean {
    return this.#inFlight > 0;
  }
}

/**
 * Loads a module with `AsyncLocalStorage` standing for IdleAsyncLocalStorage: the storages it creates while loading
 * are idle ones. CommonJS modules read `require('node:async_hooks').AsyncLocalStorage` when they construct one.
 */
export function loadWithIdleStorages<T>(load: () => T): T {
  const hooks = asyncHooks as { AsyncLocalStorage: typeof asyncHooks.AsyncLocalStorage };
  const original = hooks.AsyncLocalStorage;
  hooks.AsyncLocalStorage = IdleAsyncLocalStorage;
  try {
    return load();
  } finally {
    hooks.AsyncLocalStorage = original;
  }
}

// The first import of MikroORM in the process, from the top of app.ts: its storages are created now. A static
// import would run before the swap, so this one is a require inside it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
loadWithIdleStorages(() => require('@mikro-orm/core') as unknown);
