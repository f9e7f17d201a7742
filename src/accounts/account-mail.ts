import { AuditEventType } from '../audit/audit-event.entity.js';
import type { AuditLog, RequestMeta } from '../audit/audit-log.js';
import type { Em } from '../db/types.js';
import { linkTo, type MailOutbox } from '../mail/outbox.js';
import { LinkPurpose } from './link-token.entity.js';
import type { LinkTokens } from './link-tokens.js';

/** What every flow that mails a link needs. */
export interface AccountMailDeps {
  readonly links: LinkTokens;
  readonly outbox: MailOutbox;
  /** APP_URL: the web app whose pages take the links. */
  readonly appUrl: string;
  readonly audit: AuditLog;
}

/**
 * Mails a verification link to the user's address, in `tx`: the token (voiding older ones), the mail and the
 * EMAIL_VERIFICATION_REQUESTED event commit with the change that asked for them, or none of them does.
 */
export async function sendVerificationLink(
  deps: AccountMailDeps,
  tx: Em,
  user: { readonly id: string; readonly email: string },
  meta: RequestMeta,
): Promise<void> {
  const token = await deps.links.issue(tx, { userId: user.id, purpose: LinkPurpose.VERIFY_EMAIL });
  deps.outbox.enqueue(tx, {
    to: user.email,
    template: 'verify-email',
    params: { link: linkTo(deps.appUrl, 'verify-email', token) },
    userId: user.id,
  });
  await deps.audit.record(tx, { type: AuditEventType.EMAIL_VERIFICATION_REQUESTED, userId: user.id }, meta);
}
