import { AuditEventType } from '../audit/audit-event.entity.js';
import type { AuditLog, RequestMeta } from '../audit/audit-log.js';
import type { Em } from '../db/types.js';
import { Factor } from './factor.js';
import type { PasskeyFactor } from './passkeys/passkey-factor.js';
import type { RecoveryCodes } from './recovery-codes/recovery-codes.js';
import type { TotpFactors } from './totp/totp-factors.js';

/** What a client sends as a second factor: exactly one of them. */
export interface SecondFactorProof {
  readonly totp?: string | null;
  readonly recoveryCode?: string | null;
  readonly passkey?: unknown;
}

export type ProofCheck = { readonly ok: true; readonly factor: Factor } | { readonly ok: false };

/** A user's second factors, as login, completeLogin and step-up see them. */
export interface SecondFactors {
  /** What can complete this user's login; empty when the password alone is enough (nothing enrolled). */
  factorsOf(em: Em, userId: string): Promise<Factor[]>;
  /**
   * Checks and spends one proof in `tx` (a TOTP step, a recovery code, a passkey challenge): each is accepted once.
   * A recovery code used is audited (RECOVERY_CODE_USED, with how many are left) in the same transaction.
   */
  prove(
    tx: Em,
    userId: string,
    proof: SecondFactorProof,
    context: { readonly sessionId: string | null; readonly meta: RequestMeta },
  ): Promise<ProofCheck>;
}

/** Which single proof was given; null for none or more than one (a caller error, refused before counting). */
export function singleProof(proof: SecondFactorProof & { readonly password?: string | null }): Factor | null {
  const given = [
    proof.password != null && Factor.PASSWORD,
    proof.totp != null && Factor.TOTP,
    proof.recoveryCode != null && Factor.RECOVERY_CODE,
    proof.passkey != null && Factor.PASSKEY,
  ].filter((f): f is Factor => f !== false);
  return given.length === 1 ? given[0]! : null;
}

export function createSecondFactors(deps: {
  readonly totp: TotpFactors;
  readonly recoveryCodes: RecoveryCodes;
  readonly passkeyFactor: PasskeyFactor;
  readonly audit: AuditLog;
}): SecondFactors {
  const { totp, recoveryCodes, passkeyFactor: passkeys, audit } = deps;
  return {
    async factorsOf(em, userId) {
      const [hasTotp, passkeyCount] = await Promise.all([
        totp.isActive(em, userId),
        passkeys.count(em, userId),
      ]);
      if (!hasTotp && passkeyCount === 0) return [];
      const codesLeft = await recoveryCodes.remaining(em, userId);
      return [
        ...(hasTotp ? [Factor.TOTP] : []),
        ...(codesLeft > 0 ? [Factor.RECOVERY_CODE] : []),
        ...(passkeyCount > 0 ? [Factor.PASSKEY] : []),
      ];
    },

    async prove(tx, userId, proof, { sessionId, meta }) {
      if (proof.totp != null) {
        return (await totp.verify(tx, userId, proof.totp))
          ? { ok: true, factor: Factor.TOTP }
          : { ok: false };
      }
      if (proof.recoveryCode != null) {
        const left = await recoveryCodes.spend(tx, userId, proof.recoveryCode);
        if (left === null) return { ok: false };
        await audit.record(
          tx,
          { type: AuditEventType.RECOVERY_CODE_USED, userId, sessionId, details: { remaining: left } },
          meta,
        );
        return { ok: true, factor: Factor.RECOVERY_CODE };
      }
      if (proof.passkey != null) {
        const checked = await passkeys.verifyForUser(tx, userId, proof.passkey);
        return checked.ok ? { ok: true, factor: Factor.PASSKEY } : { ok: false };
      }
      return { ok: false };
    },
  };
}
