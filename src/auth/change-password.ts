import { AuditEventType } from '../audit/audit-event.entity.js';
import type { RequestMeta } from '../audit/audit-log.js';
import type { Viewer } from '../authz/viewer.js';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import { RevokeReason } from '../sessions/session.entity.js';
import type { SessionService } from '../sessions/session-service.js';
import type { PasswordHasher } from '../users/password-hasher.js';
import { passwordProblem } from '../users/passwords.js';
import { User } from '../users/user.entity.js';
import { attemptPassword, type PasswordAttemptDeps } from './attempt-password.js';
import { openSession, type OpenedSession, type OpenSessionDeps } from './open-session.js';
import { guard, type RateLimitedResult } from './rate-limit-guard.js';

export interface ChangePasswordDeps extends PasswordAttemptDeps, OpenSessionDeps {
  readonly sessions: Pick<SessionService, 'create' | 'revokeAllOfUser'>;
  readonly clock: Clock;
  readonly passwords: Pick<PasswordHasher, 'hash'>;
  /**
   * Voids the user's outstanding password-reset (and email-change) links, in the change's transaction: a link
   * mailed before the change must not undo it (src/accounts/ provides it; this feature does not import it).
   */
  readonly voidPasswordLinks: (tx: Em, userId: string) => Promise<unknown>;
}

export type ChangePasswordResult =
  /** The caller's new session, to hand over: the old one ended with every other. */
  | { readonly ok: true; readonly opened: OpenedSession }
  | { readonly ok: false; readonly reason: 'WRONG_PASSWORD' }
  | {
      readonly ok: false;
      readonly reason: 'INVALID';
      readonly field: 'newPassword';
      readonly message: string;
    }
  | RateLimitedResult;

/**
 * Changes the caller's password. A stolen session must not become a way to guess the password: the login limits
 * apply to the current password. Every session of the user ends, the caller's own too, and the caller gets a new
 * one, so whoever else held its cookie or tokens is out with the old password. The new hash, the voided reset
 * links, the revocations, the new session and the PASSWORD_CHANGED event commit together.
 */
export async function changePassword(
  deps: ChangePasswordDeps,
  em: Em,
  input: {
    readonly viewer: Viewer;
    readonly currentPassword: string;
    readonly newPassword: string;
    readonly deviceToken: string | null;
    readonly meta: RequestMeta;
  },
): Promise<ChangePasswordResult> {
  const { viewer, meta } = input;
  const attempt = await attemptPassword(deps, em, {
    email: viewer.user.email,
    password: input.currentPassword,
    meta,
    deviceToken: input.deviceToken,
    userId: viewer.userId,
  });
  if (!attempt.ok)
    return attempt.reason === 'RATE_LIMITED' ? attempt : { ok: false, reason: 'WRONG_PASSWORD' };
  const problem = passwordProblem(input.newPassword);
  if (problem) return { ok: false, reason: 'INVALID', field: 'newPassword', message: problem };
  const { user } = attempt;
  const hashed = await guard(deps, em, meta, () => deps.passwords.hash(input.newPassword), user.id);
  if (!hashed.ok) return hashed;
  const passwordHash = hashed.value;
  let opened: OpenedSession | undefined;
  await deps.sessions.revokeAllOfUser(em, user.id, RevokeReason.PASSWORD_CHANGED, {
    alongside: async (tx) => {
      await tx.nativeUpdate(User, { id: user.id }, { passwordHash, updatedAt: deps.clock.now() });
      await deps.voidPasswordLinks(tx, user.id);
    },
    after: async (tx, revoked) => {
      opened = await openSession(deps, tx, {
        user,
        transport: viewer.transport,
        meta,
        event: AuditEventType.PASSWORD_CHANGED,
        // The replacement carries the same proof: a second factor given at login is not undone by a new password.
        mfa: viewer.mfa,
        details: { revokedSessions: revoked, replacedSessionId: viewer.sessionId },
      });
    },
  });
  return { ok: true, opened: opened! };
}
