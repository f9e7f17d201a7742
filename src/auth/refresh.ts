import { AuditEventType } from '../audit/audit-event.entity.js';
import type { RequestMeta } from '../audit/audit-log.js';
import type { Em } from '../db/types.js';
import { RevokeReason, type Session } from '../sessions/session.entity.js';
import type { User } from '../users/user.entity.js';
import { endSession, type EndSessionDeps } from '../sessions/end-session.js';
import { guard, type RateLimitedResult } from './rate-limit-guard.js';
import type { RateLimits } from './rate-limits.js';
import type { RefreshTokenService, RotateResult } from './refresh-tokens.js';

export interface RefreshDeps extends EndSessionDeps {
  readonly refreshTokens: Pick<RefreshTokenService, 'rotate'>;
  readonly rateLimits: Pick<RateLimits, 'beforeRefresh'>;
}

export type RefreshResult =
  | { readonly ok: true; readonly user: User; readonly session: Session; readonly refreshToken: string }
  | { readonly ok: false; readonly reason: Extract<RotateResult, { ok: false }>['reason'] }
  | RateLimitedResult;

/**
 * Spends a refresh token for its successor (RFC 9700 §4.14: rotation with reuse detection). The rotation and its
 * TOKEN_REFRESHED event commit together. A token spent before, outside the reuse grace, is taken for theft: the
 * whole session is revoked on every instance, with its REFRESH_TOKEN_REUSED event, before the refusal is answered.
 */
export async function refresh(
  deps: RefreshDeps,
  em: Em,
  input: { readonly refreshToken: string; readonly meta: RequestMeta },
): Promise<RefreshResult> {
  const { meta } = input;
  const guarded = await guard(deps, em, meta, () =>
    em.transactional(async (tx) => {
      const rotated = await deps.refreshTokens.rotate(tx as Em, input.refreshToken, (sessionId) =>
        deps.rateLimits.beforeRefresh(sessionId),
      );
      // A replay within the grace answers as the first refresh did: that one was audited.
      if (rotated.ok && !rotated.replayed) {
        const { session } = rotated;
        await deps.audit.record(
          tx as Em,
          { type: AuditEventType.TOKEN_REFRESHED, userId: session.user.id, sessionId: session.id },
          meta,
        );
      }
      return rotated;
    }),
  );
  if (!guarded.ok) return guarded;
  const rotated = guarded.value;
  if (rotated.ok) {
    const { session } = rotated;
    return { ok: true, user: session.user.getEntity(), session, refreshToken: rotated.refreshToken };
  }
  if (rotated.reason === 'REFRESH_TOKEN_REUSED' && rotated.session) {
    const { id: sessionId, user } = rotated.session;
    await endSession(
      deps,
      em,
      { sessionId, reason: RevokeReason.REFRESH_TOKEN_REUSED },
      (revoked) =>
        revoked ? { type: AuditEventType.REFRESH_TOKEN_REUSED, userId: user.id, sessionId } : null,
      meta,
    );
  }
  return { ok: false, reason: rotated.reason };
}
