import type { RequestMeta } from '../audit/audit-log.js';
import { guard, type RateLimitedResult } from '../auth/rate-limit-guard.js';
import type { Em } from '../db/types.js';
import { User } from '../users/user.entity.js';
import { sendVerificationLink, type AccountMailDeps } from './account-mail.js';
import type { AccountLimits } from './account-limits.js';
import { DONE, type Done } from './outcomes.js';

export interface RequestEmailVerificationDeps extends AccountMailDeps {
  readonly limits: Pick<AccountLimits, 'beforeAccountMail'>;
}

/**
 * (Re)sends the caller a verification link; the newest link voids the older ones. An address already verified gets
 * no mail and the answer is `true` all the same: there is nothing left to do, and nothing to tell.
 */
export async function requestEmailVerification(
  deps: RequestEmailVerificationDeps,
  em: Em,
  input: { readonly userId: string; readonly meta: RequestMeta },
): Promise<Done | RateLimitedResult> {
  const { userId, meta } = input;
  const user = await em.findOne(User, userId);
  if (!user || user.emailVerifiedAt) return DONE;
  const allowed = await guard(deps, em, meta, () => deps.limits.beforeAccountMail(userId), userId);
  if (!allowed.ok) return allowed;
  await em.transactional((tx) => sendVerificationLink(deps, tx as Em, user, meta));
  return DONE;
}
