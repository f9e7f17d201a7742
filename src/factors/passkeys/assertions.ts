import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { Em } from '../../db/types.js';
import { issueChallenge, spendChallenge } from './challenges.js';
import { readClientData } from './client-data.js';
import { Passkey } from './passkey.entity.js';
import {
  CEREMONY_TIMEOUT_MS,
  encodedUserHandleOf,
  originAllowed,
  type PasskeyDeps,
} from './relying-party.js';
import { ChallengePurpose } from './webauthn-challenge.entity.js';

/**
 * Options for a sign-in with a discoverable credential: no allowCredentials (the authenticator offers the
 * passkeys it holds for this RP, so no email is asked for and none is confirmed), user verification required.
 */
export async function passkeyLoginOptions(
  deps: PasskeyDeps,
  em: Em,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const challenge = await issueChallenge(deps, em, { purpose: ChallengePurpose.AUTHENTICATE, userId: null });
  return generateAuthenticationOptions({
    rpID: deps.webauthn.rpId,
    challenge,
    allowCredentials: [],
    userVerification: 'required',
    timeout: CEREMONY_TIMEOUT_MS,
  });
}

/** Why an assertion was refused; the caller answers every one the same way, the audit trail tells them apart. */
export type AssertionRefusal = 'INVALID' | 'COUNTER_NOT_INCREASED';

export type AssertionCheck =
  | { readonly ok: true; readonly passkey: Passkey }
  | { readonly ok: false; readonly reason: AssertionRefusal; readonly userId: string | null };

/**
 * Checks a WebAuthn assertion (`AuthenticationResponseJSON`) in `tx`: its challenge is spent first (one attempt
 * per challenge), the page must be one of our origins, the credential one of ours (and `owner`'s, when given),
 * the user handle the credential's user's, the signature valid with user verification, and the signature counter
 * must increase unless the authenticator keeps none (both zero). On success the counter and last use are written
 * with a compare-and-set on the counter read, so two concurrent uses of one assertion or of a cloned key cannot
 * both pass. Never throws for a bad response.
 */
export async function checkAssertion(
  deps: PasskeyDeps,
  tx: Em,
  response: unknown,
  owner?: string,
): Promise<AssertionCheck> {
  const refuse = (reason: AssertionRefusal, userId: string | null = null): AssertionCheck => ({
    ok: false,
    reason,
    userId,
  });
  const clientData = readClientData(response);
  if (!clientData) return refuse('INVALID');
  const spent = await spendChallenge(deps, tx, {
    challenge: clientData.challenge,
    purpose: ChallengePurpose.AUTHENTICATE,
    userId: null,
  });
  if (!spent || !originAllowed(deps, clientData.origin)) return refuse('INVALID');
  const assertion = response as AuthenticationResponseJSON;
  if (typeof assertion.id !== 'string') return refuse('INVALID');
  const passkey = await tx.findOne(Passkey, { credentialId: assertion.id });
  if (!passkey) return refuse('INVALID');
  const userId = passkey.user.id;
  if (owner !== undefined && userId !== owner) return refuse('INVALID');
  // A discoverable sign-in names the account only through the user handle: it must be this credential's user's.
  const handle = assertion.response?.userHandle;
  if ((owner === undefined || handle !== undefined) && handle !== encodedUserHandleOf(userId)) {
    return refuse('INVALID', userId);
  }

  let verified;
  try {
    verified = await verifyAuthenticationResponse({
      response: assertion,
      expectedChallenge: clientData.challenge,
      expectedOrigin: clientData.origin,
      expectedRPID: deps.webauthn.rpId,
      // The library's counter check is replaced by ours below (after the signature), which can tell a clone apart.
      credential: { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: 0 },
      requireUserVerification: true,
    });
  } catch {
    return refuse('INVALID', userId);
  }
  if (!verified.verified) return refuse('INVALID', userId);

  const stored = Number(passkey.counter);
  const next = verified.authenticationInfo.newCounter;
  if ((next > 0 || stored > 0) && next <= stored) {
    // W3C WebAuthn §6.1.1: a counter that does not increase signals a cloned authenticator (or a replay).
    deps.logger.warn(
      { passkeyId: passkey.id, userId, stored, presented: next },
      'passkey counter did not increase',
    );
    return refuse('COUNTER_NOT_INCREASED', userId);
  }
  const updated = await tx.nativeUpdate(
    Passkey,
    { id: passkey.id, counter: passkey.counter },
    {
      counter: String(next),
      lastUsedAt: deps.clock.now(),
      backedUp: verified.authenticationInfo.credentialBackedUp,
    },
  );
  if (updated !== 1) return refuse('COUNTER_NOT_INCREASED', userId);
  return { ok: true, passkey };
}
