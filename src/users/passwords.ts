import { randomBytes } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { GraphQLError } from 'graphql';
import { defaultHashConcurrency } from '../config.js';
import { createConcurrencyLimiter, type ConcurrencyLimiter } from './concurrency-limiter.js';

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

/** NIST SP 800-63B: at least 8 characters, allow at least 64 (we allow 128), no composition rules. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  (dictionary['passwords-common'] as string[]).filter((p) => p.length >= PASSWORD_MIN_LENGTH),
);

/**
 * Checks a new password against the policy; returns the problem in words, or null when acceptable. Length and the
 * blocklist apply to the NFKC form that is hashed (NIST SP 800-63B §5.1.1.2): fullwidth "ｐａｓｓｗｏｒｄ１２３" is the
 * common "password123", and nine conjoining Hangul jamo are three syllables.
 */
export function passwordProblem(password: string): string | null {
  // NUL ends a string in C: a password manager, CLI or library on the way may silently cut the password short there.
  if (password.includes('\0')) return 'Password must not contain the NUL character';
  const normalized = password.normalize('NFKC');
  const length = [...normalized].length; // code points, so an emoji counts as one character
  if (length < PASSWORD_MIN_LENGTH) return `Password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `Password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (COMMON_PASSWORDS.has(normalized.toLowerCase())) return 'Password is too common; choose another';
  return null;
}

/** How many argon2 operations may run at once, and how many more may wait for a slot. */
export interface PasswordHashingSettings {
  /** 0: no cap (for measurements only: every login then competes with the event loop for the CPUs). */
  readonly concurrency: number;
  readonly queue: number;
}

/** What a refused caller is told to wait: a queue slot frees within a few hash times (tens of milliseconds). */
const BUSY_RETRY_AFTER_SEC = 1;

/**
 * argon2 is refused beyond the queue: answered like any rate limit (RATE_LIMITED, HTTP 429, Retry-After) by every
 * flow that hashes or verifies a password, without each of them catching it. A login catches it to audit it.
 */
export class PasswordHashingBusy extends GraphQLError {
  override name = 'PasswordHashingBusy';
  readonly retryAfterSec = BUSY_RETRY_AFTER_SEC;
  constructor() {
    super('Too many attempts; try again later', {
      extensions: {
        code: 'RATE_LIMITED',
        retryAfter: BUSY_RETRY_AFTER_SEC,
        http: { status: 429, headers: new Map([['retry-after', String(BUSY_RETRY_AFTER_SEC)]]) },
      },
    });
  }
}

const observers = new Set<(running: number) => void>();
const limiterOf = (settings: PasswordHashingSettings): ConcurrencyLimiter =>
  createConcurrencyLimiter({
    ...settings,
    busy: () => new PasswordHashingBusy(),
    onStart: (running) => observers.forEach((observe) => observe(running)),
  });

/**
 * Every argon2 hash and verification of the process goes through one limiter. @node-rs/argon2 runs on libuv's
 * thread pool (4 threads): uncapped, 20 logins at once kept both CPUs of a 2-core machine busy hashing and the event
 * loop waited for a CPU, so a cheap `me` took 2 s at p99. One limiter per process, not per app, because the pool and
 * the CPUs it competes for are per process; the composition root sets it from the configuration (these defaults
 * serve code that hashes without an app, such as the benchmark's in-process timing).
 */
let limiter = limiterOf({ concurrency: defaultHashConcurrency(), queue: 64 });

export function configurePasswordHashing(settings: PasswordHashingSettings): void {
  limiter = limiterOf(settings);
}

/** Calls `observe` with the number of argon2 operations running each time one starts; returns the unsubscribe. */
export function observePasswordHashing(observe: (running: number) => void): () => void {
  observers.add(observe);
  return () => observers.delete(observe);
}

export function hashPassword(password: string): Promise<string> {
  return limiter.run(() => hash(password.normalize('NFKC'), ARGON2_OPTIONS));
}

/** Verifies a password; a malformed stored hash counts as a mismatch. Refused (PasswordHashingBusy) when full. */
export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return limiter.run(async () => {
    try {
      return await verify(passwordHash, password.normalize('NFKC'));
    } catch {
      return false;
    }
  });
}

/**
 * A hash of a random password, made once, verified against when the email is unknown so that an unknown email
 * costs the same time as a wrong password (no user enumeration by timing).
 */
export function createDummyHash(): Promise<string> {
  return hashPassword(randomBytes(32).toString('base64url'));
}
