import { AuditEventType } from '../audit/audit-event.entity.js';
import type { RequestMeta } from '../audit/audit-log.js';
import type { RateLimits } from '../auth/rate-limits.js';
import { guard, type RateLimitedResult } from '../auth/rate-limit-guard.js';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import { RevokeReason } from '../sessions/session.entity.js';
import { SessionEventType, type SessionEventPublisher } from '../sessions/session-events.js';
import type { SessionService } from '../sessions/session-service.js';
import type { PasswordHasher } from '../users/password-hasher.js';
import { passwordProblem } from '../users/passwords.js';
import { User } from '../users/user.entity.js';
import type { AccountMailDeps } from './account-mail.js';
import { LinkPurpose } from './link-token.entity.js';
import {
  DONE,
  INVALID_LINK,
  LinkRefused,
  type Done,
  type InvalidInput,
  type InvalidLink,
} from './outcomes.js';

export interface ResetPasswordDeps extends AccountMailDeps {
  readonly sessions: Pick<SessionService, 'revokeAllOfUser'>;
  readonly rateLimits: Pick<RateLimits, 'clearLockouts'>;
  readonly clock: Clock;
  readonly passwords: Pick<PasswordHasher, 'hash'>;
  /** The user's live sockets hear EMAIL_VERIFIED when the reset is what verified the address. */
  readonly sessionEvents: SessionEventPublisher;
}

/** Links a password change or reset voids: a reset link, and an email change asked for with the old password. */
export const VOIDED_BY_PASSWORD_CHANGE = [LinkPurpose.RESET_PASSWORD, LinkPurpose.CHANGE_EMAIL] as const;

/**
 * Sets a new password from a reset link. A password the policy refuses is answered before the token is touched,
 * so the link still works for a better one. Otherwise, in one transaction: the token is spent, the password set,
 * the address marked verified (the link proved it), the other reset and email-change links voided, every session
 * of the user revoked (both transports; announced to every instance before this answers), PASSWORD_RESET audited
 * and the notice mailed. Nobody is logged in. The owner's lock-outs are lifted afterwards.
 */
export async function resetPassword(
  deps: ResetPasswordDeps,
  em: Em,
  input: { readonly token: string; readonly newPassword: string; readonly meta: RequestMeta },
): Promise<Done | InvalidLink | InvalidInput | RateLimitedResult> {
  const { token, meta } = input;
  const problem = passwordProblem(input.newPassword);
  if (problem) return { ok: false, reason: 'INVALID', field: 'newPassword', message: problem };
  const userId = await deps.links.peek(em, token, LinkPurpose.RESET_PASSWORD);
  if (!userId) return INVALID_LINK;
  // Hashed before the transaction: the slow part holds no connection. Refused, the link stays usable.
  const hashed = await guard(deps, em, meta, () => deps.passwords.hash(input.newPassword), userId);
  if (!hashed.ok) return hashed;
  const passwordHash = hashed.value;
  let email = '';
  try {
    await deps.sessions.revokeAllOfUser(em, userId, RevokeReason.PASSWORD_CHANGED, {
      alongside: async (tx) => {
        const spent = await deps.links.spend(tx, token, LinkPurpose.RESET_PASSWORD);
        const user = await tx.findOne(User, userId);
        // Spent meanwhile, or the account was disabled since the link was mailed.
        if (spent?.userId !== userId || !user || user.disabledAt) throw new LinkRefused();
        email = user.email;
        const now = deps.clock.now();
        await tx.nativeUpdate(
          User,
          { id: userId },
          { passwordHash, emailVerifiedAt: user.emailVerifiedAt ?? now, updatedAt: now },
        );
        await deps.links.voidAll(tx, userId, VOIDED_BY_PASSWORD_CHANGE);
        if (!user.emailVerifiedAt) {
          // Only when the link is what verified the address; a verified one did not change.
          await deps.sessionEvents.publish(tx, userId, {
            type: SessionEventType.EMAIL_VERIFIED,
            sessionId: null,
          });
        }
      },
      after: async (tx, revoked) => {
        await deps.audit.record(
          tx,
          { type: AuditEventType.PASSWORD_RESET, userId, details: { revokedSessions: revoked } },
          meta,
        );
        deps.outbox.enqueue(tx, { to: email, template: 'password-reset-notice', params: {}, userId });
      },
    });
  } catch (error) {
    if (error instanceof LinkRefused) return INVALID_LINK;
    throw error;
  }
  // The owner proved the address: whatever locked them out (their own typos, or someone guessing from anywhere)
  // must not keep them out. Lock-outs of other addresses on this account stay (see clearLockouts).
  await deps.rateLimits.clearLockouts({ email, ips: meta.ip ? [meta.ip] : [] });
  return DONE;
}
