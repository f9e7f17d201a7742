import { AuditEventType } from '../audit/audit-event.entity.js';
import type { RequestMeta } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import type { Invalidations } from '../sessions/invalidations.js';
import { SessionEventType, type SessionEventPublisher } from '../sessions/session-events.js';
import { User } from '../users/user.entity.js';
import type { AccountMailDeps } from './account-mail.js';
import { LinkPurpose } from './link-token.entity.js';
import { followLink } from './follow-link.js';
import { LinkRefused, type Done, type InvalidLink } from './outcomes.js';

export interface ConfirmEmailChangeDeps extends Pick<AccountMailDeps, 'links' | 'audit'> {
  readonly invalidations: Pick<Invalidations, 'run'>;
  readonly clock: Clock;
  /** The user's live sockets hear EMAIL_VERIFIED: the account has a new address, and it is verified. */
  readonly sessionEvents: SessionEventPublisher;
}

/**
 * Follows an email-change link: the account's address becomes the one the link was mailed to, verified (the link
 * proved it), with EMAIL_CHANGED, in one transaction announced to every instance (cached session state holds the
 * address). If the address was taken meanwhile (a registration won the race), the unique constraint refuses the
 * change, everything rolls back, and the link is answered as invalid: it can never succeed.
 */
export async function confirmEmailChange(
  deps: ConfirmEmailChangeDeps,
  em: Em,
  input: { readonly token: string; readonly meta: RequestMeta },
): Promise<Done | InvalidLink> {
  const link = { token: input.token, purpose: LinkPurpose.CHANGE_EMAIL };
  return followLink(deps, em, link, async (tx, { userId, newEmail }) => {
    if (!newEmail) throw new LinkRefused();
    const now = deps.clock.now();
    const changed = await tx.nativeUpdate(
      User,
      { id: userId },
      { email: newEmail, emailVerifiedAt: now, updatedAt: now },
    );
    if (changed === 0) throw new LinkRefused();
    // Links mailed to the old address die with it.
    await deps.links.voidAll(tx, userId, [
      LinkPurpose.CHANGE_EMAIL,
      LinkPurpose.VERIFY_EMAIL,
      LinkPurpose.RESET_PASSWORD,
    ]);
    await deps.audit.record(tx, { type: AuditEventType.EMAIL_CHANGED, userId }, input.meta);
    // Always: even from a verified address, the verified address is now another one (clients show it).
    await deps.sessionEvents.publish(tx, userId, { type: SessionEventType.EMAIL_VERIFIED, sessionId: null });
    return changed;
  });
}
