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
import type { Done, InvalidLink } from './outcomes.js';

export interface VerifyEmailDeps extends Pick<AccountMailDeps, 'links' | 'audit'> {
  readonly invalidations: Pick<Invalidations, 'run'>;
  readonly clock: Clock;
  /** The user's live sockets hear EMAIL_VERIFIED when the address becomes verified. */
  readonly sessionEvents: SessionEventPublisher;
}

/**
 * Follows a verification link: the token is spent and the address marked verified in one transaction with the
 * EMAIL_VERIFIED event, announced so that every instance's cached session state (`@auth(verified: true)`) learns it
 * before this answers. The user's live sockets hear EMAIL_VERIFIED at the commit, unless the address already was
 * verified (nothing changed then). The link may be followed on a device without a session: no session is named.
 */
export async function verifyEmail(
  deps: VerifyEmailDeps,
  em: Em,
  input: { readonly token: string; readonly meta: RequestMeta },
): Promise<Done | InvalidLink> {
  return followLink(
    deps,
    em,
    { token: input.token, purpose: LinkPurpose.VERIFY_EMAIL },
    async (tx, { userId }) => {
      const now = deps.clock.now();
      const changed = await tx.nativeUpdate(
        User,
        { id: userId, emailVerifiedAt: null },
        { emailVerifiedAt: now, updatedAt: now },
      );
      await deps.audit.record(tx, { type: AuditEventType.EMAIL_VERIFIED, userId }, input.meta);
      if (changed > 0) {
        await deps.sessionEvents.publish(tx, userId, {
          type: SessionEventType.EMAIL_VERIFIED,
          sessionId: null,
        });
      }
      return changed;
    },
  );
}
