import { randomBytes } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';
import { createConcurrencyLimiter } from './concurrency-limiter.js';

/**
 * argon2id at the OWASP Password Storage baseline: 19 MiB, 2 passes, 1 lane. One lane on purpose: each hash then
 * occupies one thread, so the cap below bounds the CPUs argon2 takes; more lanes would make one login use several
 * cores at once (faster alone, but competing with the event loop for every core), and would change every hash.
 */
const ARGON2_OPTIONS: Options = {
  algorithm: 2 /* Argon2id */,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

/** How many argon2 operations may run at once, and how many more may wait for a slot. */
export interface PasswordHashingSettings {
  /** 0: no cap (for measurements only: every login then competes with the event loop for the CPUs). */
  readonly concurrency: number;
  readonly queue: number;
}

/** What a refused caller is told to wait: a queue slot frees within a few hash times (tens of milliseconds). */
const BUSY_RETRY_AFTER_SEC = 1;

/**
 * argon2 refused beyond the queue. Every flow that hashes or verifies a password answers it like a rate limit
 * (`guard` in src/auth/rate-limit-guard.ts: a RATE_LIMITED result, audited with `limit: password-hashing`), which
 * its resolver turns into HTTP 429 with Retry-After; this feature knows nothing of GraphQL.
 */
export class PasswordHashingBusy extends Error {
  override name = 'PasswordHashingBusy';
  readonly retryAfterSec = BUSY_RETRY_AFTER_SEC;
  constructor() {
    super('Password hashing is at its cap and its queue is full');
  }
}

/** Every argon2 hash and verification of an app, through its one concurrency limiter. */
export interface PasswordHasher {
  /** The stored form of a password (its NFKC form, hashed). Refused (PasswordHashingBusy) when full. */
  hash(password: string): Promise<string>;
  /** Verifies a password; a malformed stored hash counts as a mismatch. Refused (PasswordHashingBusy) when full. */
  verify(passwordHash: string, password: string): Promise<boolean>;
  /**
   * A hash of a random password, verified against when the email is unknown so that an unknown email costs the
   * same time as a wrong password (no user enumeration by timing).
   */
  dummyHash(): Promise<string>;
  /** Calls `observe` with the number of argon2 operations running each time one starts; returns the unsubscribe. */
  observe(observe: (running: number) => void): () => void;
}

/**
 * Builds the hasher the composition root hands to every flow that hashes or verifies. @node-rs/argon2 runs on
 * libuv's thread pool (4 threads): uncapped, 20 logins at once kept both CPUs of a 2-core machine busy hashing and
 * the event loop waited for a CPU, so a cheap `me` took 2 s at p99. The pool and the CPUs are per process, and one
 * hasher per app suffices because a process serves one app (main.ts); two apps in one process (tests) each keep
 * their own settings, at the price of their caps adding up, which only a test process ever sees.
 */
export function createPasswordHasher(settings: PasswordHashingSettings): PasswordHasher {
  const observers = new Set<(running: number) => void>();
  const limiter = createConcurrencyLimiter({
    ...settings,
    busy: () => new PasswordHashingBusy(),
    onStart: (running) => observers.forEach((observe) => observe(running)),
  });
  const hashPassword = (password: string) =>
    limiter.run(() => hash(password.normalize('NFKC'), ARGON2_OPTIONS));
  return {
    hash: hashPassword,
    verify: (passwordHash, password) =>
      limiter.run(async () => {
        try {
          return await verify(passwordHash, password.normalize('NFKC'));
        } catch {
          return false;
        }
      }),
    dummyHash: () => hashPassword(randomBytes(32).toString('base64url')),
    observe(observe) {
      observers.add(observe);
      return () => observers.delete(observe);
    },
  };
}
