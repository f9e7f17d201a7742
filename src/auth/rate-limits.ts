import { createHash } from 'node:crypto';
import type pg from 'pg';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Config } from '../config.js';
import { normalizeEmail } from '../users/email.js';
import { consecutiveOutcome, lockoutSeconds, MAX_LOCKOUT_SEC, retryAfterSeconds } from './lockout.js';

/** A limit was hit: answer 429 with Retry-After. `limit` names which one (for the audit trail, never a secret). */
export class RateLimited extends Error {
  override name = 'RateLimited';
  constructor(
    readonly limit:
      | 'login-ip'
      | 'login-account-ip'
      | 'login-account'
      | 'register-ip'
      | 'refresh-session'
      | 'reset-ip'
      | 'account-mail-user',
    readonly retryAfterSec: number,
  ) {
    super('Too many attempts');
  }
}

/**
 * One password check, already counted as a failure when it was reserved. Exactly one of the two is called once
 * the password has been checked (login, changePassword, and any later second step such as completeLogin).
 */
export interface LoginAttempt {
  /**
   * The password was right: the reserved failure is refunded and the consecutive count starts again. `settles`
   * counts the checks this success refunds: 2 for a completeLogin, whose login's right password was left counted
   * (a password alone does not end a two-step login, so it cannot reset the counters a second-factor guess uses).
   */
  succeeded(settles?: number): Promise<void>;
  /** The password was wrong: nothing left to count (the failure was counted up front). */
  failed(): Promise<void>;
}

export interface LoginAttemptInput {
  readonly email: string;
  readonly ip: string;
  /**
   * The id of a valid device token bound to this account (see device-tokens.ts), or null for an unknown client.
   * A known device is exempt from the account lock-outs that unknown clients trigger, and has a budget of its own.
   */
  readonly device?: string | null;
}

/** The brute-force limits of login, register and refresh (OWASP Authentication cheat sheet). */
export interface RateLimits {
  /**
   * Reserves a password check before it runs: counts it per IP and as a failure of every counter that applies,
   * atomically, refusing (RateLimited) when a limit is already reached. Concurrent attempts therefore cannot all be
   * evaluated: at most the limit of them get through, however many arrive at once.
   */
  reserveLoginAttempt(input: LoginAttemptInput): Promise<LoginAttempt>;
  /**
   * Counts a sign-in step that names no account (passkey options and assertions) against the per-IP login limit,
   * refusing (RateLimited) once it is reached: a guess at a credential costs the same budget as a guess at a password.
   */
  countLoginFromIp(ip: string): Promise<void>;
  beforeRegister(ip: string): Promise<void>;
  beforeRefresh(sessionId: string): Promise<void>;
  /**
   * Lifts the lock-outs that stand between an account's owner and a login: the per-account failures (any
   * address) and the consecutive failures and lock-out doubling of `ips` (the owner's addresses). Another address's
   * lock-out on the account stays: that is whoever guessed, not the owner. A password reset calls it.
   */
  clearLockouts(input: { readonly email: string; readonly ips: readonly string[] }): Promise<void>;
}

export type RateLimitStore = { kind: 'postgres'; pool: pg.Pool } | { kind: 'memory' };

/**
 * Builds the limiters on a store every instance shares (PostgreSQL's `rate_limits` table), or in memory for the
 * embedded database, which only one process can open. Keys hold a hash of the email, never the email itself.
 */
export function createRateLimits(limits: Config['rateLimit'], store: RateLimitStore): RateLimits {
  const make = (keyPrefix: string, points: number, duration: number) =>
    createLimiter(store, keyPrefix, points, duration);

  const loginPerIp = make('login-ip', limits.loginAttemptsPerIp, limits.loginAttemptsPerIpWindowSec);
  // "Consecutive" failures: reset by a success; forgotten after a day without any.
  const failures = make('login-fail', limits.loginFailuresPerAccount, MAX_LOCKOUT_SEC);
  const lockouts = make('login-lockouts', 1_000_000, MAX_LOCKOUT_SEC);
  const accountFailures = make('login-account-fail', limits.accountFailures, limits.accountFailuresWindowSec);
  const deviceFailures = make('login-device-fail', limits.deviceFailures, MAX_LOCKOUT_SEC);
  const registerPerIp = make('register-ip', limits.registerPerIp, limits.registerPerIpWindowSec);
  const refreshPerSession = make(
    'refresh-session',
    limits.refreshPerSession,
    limits.refreshPerSessionWindowSec,
  );

  // The same normalisation as the account lookup, so spellings of one account share its counters.
  const hashed = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 40);
  const account = (email: string) => hashed(normalizeEmail(email));
  const retryAfter = (res: RateLimiterRes) => retryAfterSeconds(res.msBeforeNext);

  /** Consumes a point, converting a rejection into RateLimited (and letting real errors through). */
  const consume = async (limiter: RateLimiterAbstract, key: string, limit: RateLimited['limit']) => {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new RateLimited(limit, retryAfter(rejection));
      throw rejection;
    }
  };

  /**
   * Counts a failure up front on a consecutive-failure counter (one atomic increment in the store). The attempt
   * that reaches `max` locks the key at once, before its own password is checked, so concurrent attempts see the
   * lock-out (and its Retry-After) instead of a count; a success then undoes it. Over the limit: `refused`, with the
   * counter's remaining time (the lock-out's, except for an attempt that lands between the increment and the block
   * of the one that reaches `max`: that one is told the longer counter window).
   */
  const reserveConsecutive = async (
    counter: RateLimiterAbstract,
    key: string,
    max: number,
    lockoutSec: () => Promise<number>,
  ): Promise<{ refused: RateLimiterRes } | { refused: null; locked: boolean }> => {
    const res = await counter.penalty(key);
    const outcome = consecutiveOutcome(res.consumedPoints, max);
    if (outcome === 'refuse') return { refused: res };
    if (outcome === 'check') return { refused: null, locked: false };
    await counter.block(key, await lockoutSec());
    return { refused: null, locked: true };
  };

  /** Each lock-out of an account+IP doubles the next: 1 min, 2 min, 4 min, … (capped at a day). */
  const nextLockout = (key: string) => async () => {
    const n = (await lockouts.penalty(key)).consumedPoints;
    return lockoutSeconds(n, limits.loginLockoutBaseSec);
  };

  /** Reserves on a known device's own counter; null when it has used up its failures (then it is not trusted). */
  const reserveAsDevice = async (device: string): Promise<LoginAttempt | null> => {
    const key = hashed(device);
    const reserved = await reserveConsecutive(
      deviceFailures,
      key,
      limits.deviceFailures,
      async () => limits.deviceLockoutSec,
    );
    if (reserved.refused) return null;
    return {
      succeeded: async () => {
        await deviceFailures.delete(key);
      },
      failed: async () => {},
    };
  };

  /** Reserves on the account+IP and per-account counters that every unknown client shares. */
  const reserveAsUnknown = async (email: string, ip: string): Promise<LoginAttempt> => {
    const accountKey = account(email);
    const pairKey = `${accountKey}|${ip}`;
    // The per-account window first: a refusal there leaves nothing to undo (counting past the limit does not
    // lengthen the window, which expires when it would have).
    const perAccount = await accountFailures.penalty(accountKey);
    if (perAccount.consumedPoints > limits.accountFailures) {
      throw new RateLimited('login-account', retryAfter(perAccount));
    }
    const pair = await reserveConsecutive(
      failures,
      pairKey,
      limits.loginFailuresPerAccount,
      nextLockout(pairKey),
    );
    if (pair.refused) {
      // Refused unchecked: not a failure of the account either.
      await accountFailures.reward(accountKey);
      throw new RateLimited('login-account-ip', retryAfter(pair.refused));
    }
    return {
      succeeded: async (settles = 1) => {
        await accountFailures.reward(accountKey, settles);
        await failures.delete(pairKey);
        // The lock-out this attempt set in advance did not happen: it must not double the next one.
        if (pair.locked) await lockouts.reward(pairKey);
      },
      failed: async () => {},
    };
  };

  return {
    async reserveLoginAttempt({ email, ip, device }) {
      await consume(loginPerIp, ip, 'login-ip');
      const asDevice = device ? await reserveAsDevice(device) : null;
      return asDevice ?? reserveAsUnknown(email, ip);
    },
    async countLoginFromIp(ip) {
      await consume(loginPerIp, ip, 'login-ip');
    },
    async beforeRegister(ip) {
      await consume(registerPerIp, ip, 'register-ip');
    },
    async beforeRefresh(sessionId) {
      await consume(refreshPerSession, sessionId, 'refresh-session');
    },
    async clearLockouts({ email, ips }) {
      const accountKey = account(email);
      await accountFailures.delete(accountKey);
      for (const ip of new Set(ips)) {
        await failures.delete(`${accountKey}|${ip}`);
        await lockouts.delete(`${accountKey}|${ip}`);
      }
    },
  };
}

/**
 * One limiter on the shared store (PostgreSQL's `rate_limits` table), or in memory for the embedded database; other
 * features' limits (src/accounts/) are made with it too, so every limit lives in one place.
 */
export function createLimiter(
  store: RateLimitStore,
  keyPrefix: string,
  points: number,
  duration: number,
): RateLimiterAbstract {
  if (store.kind === 'memory') return new RateLimiterMemory({ keyPrefix, points, duration });
  return new RateLimiterPostgres({
    keyPrefix,
    points,
    duration,
    storeClient: store.pool,
    storeType: 'pool',
    tableName: 'rate_limits',
    tableCreated: true, // by the migrations
    clearExpiredByTimeout: false,
    // If the shared store fails, keep limiting per instance rather than letting everything through.
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
  });
}
