import { createHash } from 'node:crypto';
import type pg from 'pg';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Config } from '../config.js';

/** A limit was hit: answer 429 with Retry-After. `limit` names which one (for the audit trail, never a secret). */
export class RateLimited extends Error {
  override name = 'RateLimited';
  constructor(
    readonly limit: 'login-ip' | 'login-account-ip' | 'login-account' | 'register-ip' | 'refresh-session',
    readonly retryAfterSec: number,
  ) {
    super('Too many attempts');
  }
}

/** The brute-force limits of login, register and refresh (OWASP Authentication cheat sheet). */
export interface RateLimits {
  /** Before checking a password: counts the attempt per IP, refuses while the account is locked. */
  beforeLogin(email: string, ip: string): Promise<void>;
  /** After a wrong password: counts a failure; past the threshold, locks account+IP for an exponentially growing time. */
  loginFailed(email: string, ip: string): Promise<void>;
  /** After a right password: the consecutive-failure count starts again. */
  loginSucceeded(email: string, ip: string): Promise<void>;
  beforeRegister(ip: string): Promise<void>;
  beforeRefresh(sessionId: string): Promise<void>;
}

/** Longest lock-out: however many times a lock-out recurs, it never exceeds a day. */
const MAX_LOCKOUT_SEC = 86_400;

export type RateLimitStore = { kind: 'postgres'; pool: pg.Pool } | { kind: 'memory' };

/**
 * Builds the limiters on a store every instance shares (PostgreSQL's `rate_limits` table), or in memory for the
 * embedded database, which only one process can open. Keys hold a hash of the email, never the email itself.
 */
export function createRateLimits(limits: Config['rateLimit'], store: RateLimitStore): RateLimits {
  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
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
  };

  const loginPerIp = make('login-ip', limits.loginAttemptsPerIp, limits.loginAttemptsPerIpWindowSec);
  // "Consecutive" failures: reset by a success; forgotten after a day without any.
  const failures = make('login-fail', limits.loginFailuresPerAccount, MAX_LOCKOUT_SEC);
  const lockouts = make('login-lockouts', 1_000_000, MAX_LOCKOUT_SEC);
  const accountFailures = make('login-account-fail', limits.accountFailures, limits.accountFailuresWindowSec);
  const registerPerIp = make('register-ip', limits.registerPerIp, limits.registerPerIpWindowSec);
  const refreshPerSession = make(
    'refresh-session',
    limits.refreshPerSession,
    limits.refreshPerSessionWindowSec,
  );

  const account = (email: string) =>
    createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 40);
  const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

  /** Consumes a point, converting a rejection into RateLimited (and letting real errors through). */
  const consume = async (limiter: RateLimiterAbstract, key: string, limit: RateLimited['limit']) => {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new RateLimited(limit, retryAfter(rejection));
      throw rejection;
    }
  };
  const refuseIfOver = async (
    limiter: RateLimiterAbstract,
    key: string,
    points: number,
    limit: RateLimited['limit'],
  ) => {
    const res = await limiter.get(key);
    if (res && res.consumedPoints >= points) throw new RateLimited(limit, retryAfter(res));
  };

  return {
    async beforeLogin(email, ip) {
      await consume(loginPerIp, ip, 'login-ip');
      await refuseIfOver(
        failures,
        `${account(email)}|${ip}`,
        limits.loginFailuresPerAccount,
        'login-account-ip',
      );
      await refuseIfOver(accountFailures, account(email), limits.accountFailures, 'login-account');
    },
    async loginFailed(email, ip) {
      const key = `${account(email)}|${ip}`;
      await accountFailures.penalty(account(email));
      const res = await failures.penalty(key);
      if (res.consumedPoints >= limits.loginFailuresPerAccount) {
        // Each lock-out of this account+IP doubles the next: 1 min, 2 min, 4 min, … (capped at a day).
        const n = (await lockouts.penalty(key)).consumedPoints;
        const seconds = Math.min(MAX_LOCKOUT_SEC, limits.loginLockoutBaseSec * 2 ** (n - 1));
        await failures.block(key, seconds);
      }
    },
    async loginSucceeded(email, ip) {
      await failures.delete(`${account(email)}|${ip}`);
    },
    async beforeRegister(ip) {
      await consume(registerPerIp, ip, 'register-ip');
    },
    async beforeRefresh(sessionId) {
      await consume(refreshPerSession, sessionId, 'refresh-session');
    },
  };
}
