import { createHash } from 'node:crypto';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config.js';
import { createLimiter, RateLimited, type RateLimitStore } from '../auth/rate-limits.js';
import { retryAfterSeconds } from '../auth/lockout.js';
import { normalizeEmail } from '../users/email.js';

/** The limits of the requests that send account mail (DESIGN §6.1). */
export interface AccountLimits {
  /**
   * Counts a password-reset request: per IP (refused with RateLimited) and per address. Beyond the per-address
   * limit the answer is `false`: the request is answered like any other and sends nothing. The address is counted
   * whether or not it has an account, so neither answer says which it is.
   */
  beforeResetRequest(input: { readonly email: string; readonly ip: string }): Promise<boolean>;
  /** Counts a mail a signed-in user asks for (a verification resend, an email change); RateLimited beyond it. */
  beforeAccountMail(userId: string): Promise<void>;
}

export function createAccountLimits(limits: Config['rateLimit'], store: RateLimitStore): AccountLimits {
  const perAddress = createLimiter(
    store,
    'reset-address',
    limits.resetPerAddress,
    limits.resetPerAddressWindowSec,
  );
  const perIp = createLimiter(store, 'reset-ip', limits.resetPerIp, limits.resetPerIpWindowSec);
  const perUser = createLimiter(
    store,
    'account-mail-user',
    limits.accountMailPerUser,
    limits.accountMailPerUserWindowSec,
  );
  // Keys hold a hash of the address, never the address itself (like the login limits).
  const address = (email: string) =>
    createHash('sha256').update(normalizeEmail(email)).digest('hex').slice(0, 40);

  /** Consumes a point: null, or the limiter's refusal once the limit is reached (real errors pass through). */
  const consume = async (limiter: typeof perIp, key: string): Promise<RateLimiterRes | null> => {
    try {
      await limiter.consume(key);
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return rejection;
      throw rejection;
    }
  };
  const refuse = (limit: RateLimited['limit'], res: RateLimiterRes) =>
    new RateLimited(limit, retryAfterSeconds(res.msBeforeNext));

  return {
    async beforeResetRequest({ email, ip }) {
      const byIp = await consume(perIp, ip);
      if (byIp) throw refuse('reset-ip', byIp);
      return (await consume(perAddress, address(email))) === null;
    },
    async beforeAccountMail(userId) {
      const byUser = await consume(perUser, userId);
      if (byUser) throw refuse('account-mail-user', byUser);
    },
  };
}
