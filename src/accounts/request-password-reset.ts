import { AuditEventType } from '../audit/audit-event.entity.js';
import type { RequestMeta } from '../audit/audit-log.js';
import { clientIp, guard, type RateLimitedResult } from '../auth/rate-limit-guard.js';
import type { Em } from '../db/types.js';
import type { Logger } from '../logger.js';
import { linkTo } from '../mail/outbox.js';
import { emailProblem, normalizeEmail } from '../users/email.js';
import { User } from '../users/user.entity.js';
import type { AccountMailDeps } from './account-mail.js';
import type { AccountLimits } from './account-limits.js';
import { LinkPurpose } from './link-token.entity.js';
import { DONE, type Done } from './outcomes.js';

/** Reset requests waiting to be handled, at most; beyond it a request is answered and dropped. */
const MAX_QUEUED = 1000;

export interface PasswordResetRequestsDeps extends AccountMailDeps {
  readonly limits: Pick<AccountLimits, 'beforeResetRequest'>;
  /** A fresh EntityManager: the mailing outlives the request that asked for it. */
  readonly forkEm: () => Em;
  readonly logger: Logger;
}

/** `requestPasswordReset`, and a way to wait for the mailings it started. */
export interface PasswordResetRequests {
  request(
    em: Em,
    input: { readonly email: string; readonly meta: RequestMeta },
  ): Promise<Done | RateLimitedResult>;
  /** Resolves once every mailing queued so far has finished (or failed). */
  settled(): Promise<void>;
}

/**
 * Answers a reset request before anything depends on whether the address has an account: the answer waits only
 * for the limits, which count every address alike, and the look-up, the token and the mail happen afterwards.
 * So the answer and its timing are the same for an unknown, a disabled, a limited and a real address; only the
 * owner of a real, enabled one gets a link (a newer request voids the older links). The token and the mail
 * commit together with the PASSWORD_RESET_REQUESTED event.
 *
 * The mailings run one at a time, in the order they were asked for: a flood of requests (each address and IP is
 * limited, many addresses from many IPs are not) queues up instead of taking every database connection, and
 * the queue is bounded. A request's mail is therefore in the outbox once every earlier request has been handled.
 */
export function createPasswordResetRequests(deps: PasswordResetRequestsDeps): PasswordResetRequests {
  let queue: Promise<void> = Promise.resolve();
  let queued = 0;

  const mailLink = async (email: string, meta: RequestMeta): Promise<void> => {
    const address = normalizeEmail(email);
    if (emailProblem(address)) return;
    const em = deps.forkEm();
    const user = await em.findOne(User, { email: address, disabledAt: null });
    if (!user) return;
    await em.transactional(async (tx) => {
      const token = await deps.links.issue(tx as Em, {
        userId: user.id,
        purpose: LinkPurpose.RESET_PASSWORD,
      });
      deps.outbox.enqueue(tx as Em, {
        to: user.email,
        template: 'reset-password',
        params: { link: linkTo(deps.appUrl, 'reset-password', token) },
        userId: user.id,
      });
      await deps.audit.record(
        tx as Em,
        { type: AuditEventType.PASSWORD_RESET_REQUESTED, userId: user.id },
        meta,
      );
    });
  };

  return {
    async request(em, { email, meta }) {
      const counted = await guard(deps, em, meta, () =>
        deps.limits.beforeResetRequest({ email, ip: clientIp(meta) }),
      );
      if (!counted.ok) return counted;
      // Over the per-address limit: the same answer, and no mail (the address is not told apart either way).
      if (!counted.value) return DONE;
      if (queued >= MAX_QUEUED) {
        deps.logger.warn({ reqId: meta.requestId }, 'password reset queue full: request dropped');
        return DONE;
      }
      queued += 1;
      queue = queue
        .then(() => mailLink(email, meta))
        .catch((error: unknown) =>
          // The error only: the address and any token stay out of the log.
          deps.logger.error({ err: error, reqId: meta.requestId }, 'could not mail a password reset link'),
        )
        .finally(() => {
          queued -= 1;
        });
      return DONE;
    },
    settled: () => queue,
  };
}
