import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import { LinkPurpose, LinkToken } from './link-token.entity.js';

/** 256 random bits, base64url without padding: 43 characters. */
const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** How long a link of each purpose stays usable, in seconds (EMAIL_VERIFICATION_TTL, PASSWORD_RESET_TTL, …). */
export type LinkLifetimes = Readonly<Record<LinkPurpose, number>>;

/** What a spent token was for: its user, and for CHANGE_EMAIL the address it confirms. */
export interface SpentLink {
  readonly userId: string;
  readonly newEmail: string | null;
}

/** Issues, spends and voids mailed link tokens. */
export interface LinkTokens {
  /**
   * A new token for `userId` and `purpose`, written in `tx`; every outstanding token of that user and purpose is
   * voided first (only the newest link works). The token itself is returned once, for the mail, and never stored.
   */
  issue(tx: Em, input: { userId: string; purpose: LinkPurpose; newEmail?: string | null }): Promise<string>;
  /**
   * Spends a token atomically in `tx`: at most one caller ever gets it, and only while it is unspent, unexpired
   * and of `purpose`. Null for every kind of bad token alike (unknown, spent, expired, voided, other purpose,
   * malformed): the caller answers all of them with one error.
   */
  spend(tx: Em, token: string, purpose: LinkPurpose): Promise<SpentLink | null>;
  /**
   * Whose a token is, without spending it (null for a bad token, as `spend`): a flow that must name the user before
   * its transaction starts (to announce the change to every instance) reads it first, then spends it inside.
   */
  peek(em: Em, token: string, purpose: LinkPurpose): Promise<string | null>;
  /** Voids a user's outstanding tokens of these purposes (a password change or reset voids reset links). */
  voidAll(tx: Em, userId: string, purposes: readonly LinkPurpose[]): Promise<number>;
}

/** SHA-256 of the token, hex: what the table holds. A 256-bit random token needs no salt or slow hash. */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createLinkTokens(deps: {
  readonly clock: Clock;
  readonly lifetimes: LinkLifetimes;
}): LinkTokens {
  const { clock, lifetimes } = deps;
  const voidAll: LinkTokens['voidAll'] = (tx, userId, purposes) =>
    tx.nativeDelete(LinkToken, { user: userId, purpose: { $in: [...purposes] }, usedAt: null });

  return {
    async issue(tx, { userId, purpose, newEmail = null }) {
      await voidAll(tx, userId, [purpose]);
      const token = randomBytes(TOKEN_BYTES).toString('base64url');
      const now = clock.now();
      await tx.insert(LinkToken, {
        id: randomUUID(),
        user: userId,
        purpose,
        tokenHash: hashLinkToken(token),
        newEmail,
        createdAt: now,
        expiresAt: new Date(now.getTime() + lifetimes[purpose] * 1000),
        usedAt: null,
      });
      return token;
    },

    async spend(tx, token, purpose) {
      // A malformed token cannot match a hash: answered without a query, like any other bad token.
      if (!wellFormed(token)) return null;
      const now = clock.now();
      // One statement: two concurrent spends of one token cannot both see it unspent.
      const rows = await tx.execute<{ user_id: string; new_email: string | null }[]>(
        'update "link_tokens" set "used_at" = ? where "token_hash" = ? and "purpose" = ? and "used_at" is null ' +
          'and "expires_at" > ? returning "user_id", "new_email"',
        [now, hashLinkToken(token), purpose, now],
      );
      const row = rows[0];
      return row ? { userId: row.user_id, newEmail: row.new_email } : null;
    },

    async peek(em, token, purpose) {
      if (!wellFormed(token)) return null;
      const row = await em.findOne(
        LinkToken,
        { tokenHash: hashLinkToken(token), purpose, usedAt: null, expiresAt: { $gt: clock.now() } },
        { fields: ['user'] },
      );
      return row ? row.user.id : null;
    },

    voidAll,
  };
}

function wellFormed(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_SHAPE.test(token);
}
