import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import { Session } from '../sessions/session.entity.js';
import { Transport } from '../authz/transport.js';
import { RefreshToken } from './refresh-token.entity.js';
import type { RefreshTokenCodec } from './refresh-token-codec.js';

export type RotateResult =
  | {
      readonly ok: true;
      readonly session: Session;
      readonly refreshToken: string;
      readonly replayed: boolean;
    }
  | {
      readonly ok: false;
      readonly reason: 'TOKEN_INVALID' | 'SESSION_REVOKED' | 'SESSION_EXPIRED' | 'REFRESH_TOKEN_REUSED';
      /** The session the token belonged to, when known (for the audit trail). */
      readonly session?: Session;
    };

export interface RefreshTokenServiceOptions {
  readonly codec: RefreshTokenCodec;
  readonly clock: Clock;
  readonly reuseGraceSec: number;
  /** The sessions module's own write of a refresh's activity (the Session row has one writer). */
  readonly extendSession: (tx: Em, session: Session, now: Date) => void;
}

/** Issues and rotates refresh tokens (RFC 9700 §4.14: rotation with reuse detection). */
export class RefreshTokenService {
  constructor(private readonly options: RefreshTokenServiceOptions) {}

  /** Issues the first refresh token of a new bearer session. */
  async issue(em: Em, session: Session): Promise<string> {
    const token = this.options.codec.mint();
    await em.insert(RefreshToken, {
      id: randomUUID(),
      session: session.id,
      tokenHash: this.options.codec.hash(token),
      createdAt: this.options.clock.now(),
    });
    return token;
  }

  /**
   * Spends a refresh token and returns its successor, in one transaction. The token row is locked, so concurrent
   * refreshes of one token queue up: the first spends it, the others see it spent. Within the reuse grace they
   * get the same successor (it is derived from the token, not stored); after it, the replay is treated as theft
   * (REFRESH_TOKEN_REUSED), and the caller revokes the whole session. `beforeSpend` may throw to refuse (rate limit) before anything changes.
   */
  async rotate(
    em: Em,
    token: string,
    beforeSpend?: (sessionId: string) => Promise<void>,
  ): Promise<RotateResult> {
    const { codec, clock, reuseGraceSec } = this.options;
    if (!codec.looksValid(token)) return { ok: false, reason: 'TOKEN_INVALID' };
    const tokenHash = codec.hash(token);
    return em.transactional(async (tx) => {
      const row = await tx.findOne(RefreshToken, { tokenHash }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row) return { ok: false, reason: 'TOKEN_INVALID' } as const;
      const session = await tx.findOneOrFail(Session, row.session.id, { populate: ['user'] });
      const now = clock.now();
      if (session.transport !== Transport.BEARER) return { ok: false, reason: 'TOKEN_INVALID' } as const;
      // A disabled user's sessions are dead even where only `disabled_at` was set (by SQL).
      if (session.revokedAt || session.user.getEntity().disabledAt)
        return { ok: false, reason: 'SESSION_REVOKED', session } as const;
      if (session.idleExpiresAt <= now || session.absoluteExpiresAt <= now) {
        return { ok: false, reason: 'SESSION_EXPIRED', session } as const;
      }
      // A rate limit, checked once the session is known; throwing here rolls the transaction back.
      await beforeSpend?.(session.id);
      const successor = codec.successor(token);
      if (row.usedAt === null) {
        row.usedAt = now;
        await tx.insert(RefreshToken, {
          id: randomUUID(),
          session: session.id,
          tokenHash: codec.hash(successor),
          parentId: row.id,
          createdAt: now,
        });
        this.options.extendSession(tx as Em, session, now);
        await tx.flush();
        return { ok: true, session, refreshToken: successor, replayed: false } as const;
      }
      if (now.getTime() - row.usedAt.getTime() <= reuseGraceSec * 1000) {
        // The lost-response / two-tabs case: answer as the first refresh did.
        return { ok: true, session, refreshToken: successor, replayed: true } as const;
      }
      // Theft: the caller revokes the whole session (through the session service, so every instance hears it).
      return { ok: false, reason: 'REFRESH_TOKEN_REUSED', session } as const;
    });
  }
}
