import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Em } from '../../db/types.js';
import { RecoveryCode } from './recovery-code.entity.js';

/** How many codes a user gets at a time. */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // 32 symbols: no 0/O or 1/I to misread on paper
const LENGTH = 16; // 16 × 5 bits = 80 bits per code

/** Single-use recovery codes for a user who lost their second factor. */
export interface RecoveryCodes {
  /** Replaces every code of the user with 10 new ones, returned once (only their hashes are kept). */
  replace(em: Em, userId: string): Promise<string[]>;
  /** Spends a code in one conditional update (a concurrent second use finds it spent): the codes left, or null. */
  spend(em: Em, userId: string, code: string): Promise<number | null>;
  remaining(em: Em, userId: string): Promise<number>;
  removeAll(em: Em, userId: string): Promise<number>;
}

/** A new code, `XXXX-XXXX-XXXX-XXXX`. */
export function newRecoveryCode(): string {
  // 256 is a multiple of 32: taking each byte modulo 32 has no bias.
  const symbols = [...randomBytes(LENGTH)].map((b) => ALPHABET[b % 32]!).join('');
  return symbols.match(/.{4}/g)!.join('-');
}

/**
 * The stored form of a code. A plain SHA-256 is enough here, unlike for passwords: an 80-bit random code cannot be
 * found from its hash by guessing (2^80 tries), so a slow hash would only slow the login. The user id is mixed in,
 * so equal hashes never link two users and no table of hashes serves for all of them. Spelling is forgiven
 * (case, dashes, spaces), as people type codes from paper.
 */
export function hashRecoveryCode(userId: string, code: string): string {
  const normalized = code.toUpperCase().replace(/[\s-]+/g, '');
  return createHash('sha256').update(`${userId}:${normalized}`).digest('hex');
}

export function createRecoveryCodes(options: { readonly clock: Clock }): RecoveryCodes {
  const { clock } = options;
  const remaining = (em: Em, userId: string) => em.count(RecoveryCode, { user: userId, usedAt: null });
  return {
    async replace(em, userId) {
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
      await em.nativeDelete(RecoveryCode, { user: userId });
      const now = clock.now();
      await em.insertMany(
        RecoveryCode,
        codes.map((code) => ({
          id: randomUUID(),
          user: userId,
          codeHash: hashRecoveryCode(userId, code),
          createdAt: now,
        })),
      );
      return codes;
    },
    async spend(em, userId, code) {
      if (code.length > 64) return null;
      const spent = await em.nativeUpdate(
        RecoveryCode,
        { user: userId, codeHash: hashRecoveryCode(userId, code), usedAt: null },
        { usedAt: clock.now() },
      );
      return spent > 0 ? remaining(em, userId) : null;
    },
    remaining,
    removeAll: (em, userId) => em.nativeDelete(RecoveryCode, { user: userId }),
  };
}
