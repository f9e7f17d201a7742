import { AuditEventType } from '../audit/audit-event.entity.js';
import type { RequestMeta } from '../audit/audit-log.js';
import { attemptPassword, type PasswordAttemptDeps } from '../auth/attempt-password.js';
import { guard, type RateLimitedResult } from '../auth/rate-limit-guard.js';
import type { Viewer } from '../authz/viewer.js';
import type { Em } from '../db/types.js';
import { linkTo } from '../mail/outbox.js';
import { emailProblem, normalizeEmail } from '../users/email.js';
import { User } from '../users/user.entity.js';
import type { AccountMailDeps } from './account-mail.js';
import type { AccountLimits } from './account-limits.js';
import { LinkPurpose } from './link-token.entity.js';
import { DONE, type Done, type InvalidInput } from './outcomes.js';

export interface RequestEmailChangeDeps extends AccountMailDeps, PasswordAttemptDeps {
  readonly limits: Pick<AccountLimits, 'beforeAccountMail'>;
}

/**
 * Asks to move the caller's account to `newEmail`, proved by the current password (checked and counted like a
 * login, so a stolen session cannot guess it). The confirmation link goes to the new address, a notice without a
 * link to the old one, and EMAIL_CHANGE_REQUESTED is audited, in one transaction. An address that already has an
 * account gets nothing and the answer is the same `true`: the caller learns nothing about other accounts.
 */
export async function requestEmailChange(
  deps: RequestEmailChangeDeps,
  em: Em,
  input: {
    readonly viewer: Viewer;
    readonly newEmail: string;
    readonly currentPassword: string;
    readonly deviceToken: string | null;
    readonly meta: RequestMeta;
  },
): Promise<
  Done | InvalidInput | { readonly ok: false; readonly reason: 'WRONG_PASSWORD' } | RateLimitedResult
> {
  const { viewer, meta } = input;
  const newEmail = normalizeEmail(input.newEmail);
  const problem = emailProblem(newEmail);
  if (problem) return { ok: false, reason: 'INVALID', field: 'newEmail', message: problem };
  const attempt = await attemptPassword(deps, em, {
    email: viewer.user.email,
    password: input.currentPassword,
    meta,
    deviceToken: input.deviceToken,
    userId: viewer.userId,
  });
  if (!attempt.ok)
    return attempt.reason === 'RATE_LIMITED' ? attempt : { ok: false, reason: 'WRONG_PASSWORD' };
  const { user } = attempt;
  if (newEmail === user.email) {
    return { ok: false, reason: 'INVALID', field: 'newEmail', message: 'This is already your address' };
  }
  const allowed = await guard(deps, em, meta, () => deps.limits.beforeAccountMail(user.id), user.id);
  if (!allowed.ok) return allowed;
  await em.transactional(async (t) => {
    const tx = t as Em;
    // Checked again when the link is followed (the unique constraint decides a race).
    if ((await tx.count(User, { email: newEmail })) === 0) {
      const token = await deps.links.issue(tx, {
        userId: user.id,
        purpose: LinkPurpose.CHANGE_EMAIL,
        newEmail,
      });
      deps.outbox.enqueue(tx, {
        to: newEmail,
        template: 'confirm-email-change',
        params: { link: linkTo(deps.appUrl, 'confirm-email', token), newEmail },
        userId: user.id,
      });
    }
    deps.outbox.enqueue(tx, {
      to: user.email,
      template: 'email-change-notice',
      params: { newEmail },
      userId: user.id,
    });
    await deps.audit.record(tx, { type: AuditEventType.EMAIL_CHANGE_REQUESTED, userId: user.id }, meta);
  });
  return DONE;
}
