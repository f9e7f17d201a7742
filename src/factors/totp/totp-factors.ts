import type { Clock } from '../../clock.js';
import type { Em } from '../../db/types.js';
import type { FactorCipher } from '../factor-cipher.js';
import { matchTotpStep, newTotpSecret, totpUrl } from './totp-codes.js';
import { TotpFactor } from './totp-factor.entity.js';

export interface TotpEnrollmentStarted {
  readonly secret: string;
  readonly otpauthUrl: string;
}

/** A user's TOTP factor: enrolment, confirmation, checks that accept each code once, removal. */
export interface TotpFactors {
  /** A new pending secret (replacing a pending one); null when TOTP is already active (disable it first). */
  start(em: Em, user: { id: string; email: string }): Promise<TotpEnrollmentStarted | null>;
  /** Activates the pending factor with its first code; false for a wrong code or nothing pending. */
  confirm(em: Em, userId: string, code: string): Promise<boolean>;
  /**
   * Checks a code of the active factor and spends its time step: true once per step at most, on every instance
   * (the step is recorded by a conditional update that only a later step passes).
   */
  verify(em: Em, userId: string, code: string): Promise<boolean>;
  isActive(em: Em, userId: string): Promise<boolean>;
  /** Removes the factor, pending or active; true when there was one. */
  remove(em: Em, userId: string): Promise<boolean>;
}

export function createTotpFactors(options: {
  readonly cipher: FactorCipher;
  readonly clock: Clock;
  /** The issuer authenticator apps show beside the account ("Gatehouse"). */
  readonly issuer: string;
}): TotpFactors {
  const { cipher, clock, issuer } = options;

  /** The secret of the user's factor (re-encrypted with the first key when an older one opened it). */
  const secretOf = async (em: Em, factor: TotpFactor, userId: string): Promise<string | null> => {
    const opened = cipher.decrypt(factor.secret, userId);
    if (!opened) return null;
    if (opened.stale) {
      // Lazy rotation: the next use moves the secret to the current key, so old keys can be retired.
      await em.nativeUpdate(
        TotpFactor,
        { user: userId, secret: factor.secret },
        { secret: cipher.encrypt(opened.plaintext, userId) },
      );
    }
    return opened.plaintext;
  };

  /** Spends `step` if it is later than the last one spent; `pending` selects an unconfirmed factor instead. */
  const spend = async (em: Em, userId: string, step: number, pending: boolean) =>
    (await em.nativeUpdate(
      TotpFactor,
      { user: userId, confirmedAt: pending ? null : { $ne: null }, lastUsedStep: { $lt: step } },
      pending ? { lastUsedStep: step, confirmedAt: clock.now() } : { lastUsedStep: step },
    )) > 0;

  const check = async (em: Em, userId: string, code: string, pending: boolean) => {
    const factor = await em.findOne(TotpFactor, {
      user: userId,
      confirmedAt: pending ? null : { $ne: null },
    });
    if (!factor) return false;
    const secret = await secretOf(em, factor, userId);
    const step = secret === null ? null : matchTotpStep(secret, code, clock.now());
    return step !== null && spend(em, userId, step, pending);
  };

  return {
    async start(em, user) {
      const existing = await em.findOne(TotpFactor, { user: user.id });
      if (existing?.confirmedAt) return null;
      const secret = newTotpSecret();
      const encrypted = cipher.encrypt(secret, user.id);
      if (existing) {
        await em.nativeUpdate(
          TotpFactor,
          { user: user.id, confirmedAt: null },
          { secret: encrypted, createdAt: clock.now(), lastUsedStep: 0 },
        );
      } else {
        await em.insert(TotpFactor, {
          user: user.id,
          secret: encrypted,
          createdAt: clock.now(),
          lastUsedStep: 0,
        });
      }
      return { secret, otpauthUrl: totpUrl(secret, { issuer, label: user.email }) };
    },
    confirm: (em, userId, code) => check(em, userId, code, true),
    verify: (em, userId, code) => check(em, userId, code, false),
    async isActive(em, userId) {
      return (await em.count(TotpFactor, { user: userId, confirmedAt: { $ne: null } })) > 0;
    },
    async remove(em, userId) {
      return (await em.nativeDelete(TotpFactor, { user: userId })) > 0;
    },
  };
}
