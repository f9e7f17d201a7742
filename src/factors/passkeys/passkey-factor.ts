import type { Em } from '../../db/types.js';
import { checkAssertion } from './assertions.js';
import { Passkey } from './passkey.entity.js';
import type { PasskeyDeps } from './relying-party.js';

/** The outcome of checking a passkey assertion for a known user: which passkey signed, or a generic refusal. */
export type PasskeyVerification = { readonly ok: true; readonly passkeyId: string } | { readonly ok: false };

/**
 * What the rest of the second-factor feature needs from passkeys: the two-step login and step-up verify an
 * assertion for the user they already know, `myFactors` and the login factor list count passkeys, and an ADMIN's
 * factor reset removes them. Every method runs in the caller's transaction (`em`), so a change and its audit row
 * commit together.
 */
export interface PasskeyFactor {
  /** How many passkeys the user has registered. */
  count(em: Em, userId: string): Promise<number>;
  /**
   * Verifies a WebAuthn assertion (`AuthenticationResponseJSON`) against a challenge from `passkeyLoginOptions`:
   * the challenge is spent once, user verification is required, the counter is checked, and the credential must
   * belong to `userId`. Never throws for a bad response: any failure is `{ ok: false }`.
   */
  verifyForUser(em: Em, userId: string, response: unknown): Promise<PasskeyVerification>;
  /** Removes every passkey of the user; answers how many were removed. */
  removeAll(em: Em, userId: string): Promise<number>;
}

/** The passkey factor for the rest of the second-factor feature, on the relying party of `deps`. */
export function createPasskeyFactor(deps: PasskeyDeps): PasskeyFactor {
  return {
    count: (em, userId) => em.count(Passkey, { user: userId }),
    async verifyForUser(em, userId, response) {
      const check = await checkAssertion(deps, em, response, userId);
      return check.ok ? { ok: true, passkeyId: check.passkey.id } : { ok: false };
    },
    removeAll: (em, userId) => em.nativeDelete(Passkey, { user: userId }),
  };
}
