import { randomUUID } from 'node:crypto';
import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { AuditEventType } from '../../audit/audit-event.entity.js';
import type { AuditLog, RequestMeta } from '../../audit/audit-log.js';
import type { Em } from '../../db/types.js';
import { SessionEventType, type SessionEventPublisher } from '../../sessions/session-events.js';
import { issueChallenge, spendChallenge } from './challenges.js';
import { readClientData } from './client-data.js';
import { Passkey } from './passkey.entity.js';
import { passkeyName, type NameCheck } from './passkey-name.js';
import {
  CEREMONY_TIMEOUT_MS,
  originAllowed,
  RP_NAME,
  SUPPORTED_ALGORITHMS,
  userHandleOf,
  type PasskeyDeps,
} from './relying-party.js';
import { ChallengePurpose } from './webauthn-challenge.entity.js';

/** More than anyone needs (a phone, a laptop, two keys, a password manager…), few enough to bound the rows. */
export const MAX_PASSKEYS_PER_USER = 20;

/**
 * Options to create a passkey for the caller: a discoverable credential (residentKey required) with user
 * verification, no attestation (we trust no vendor list, so asking for one would only leak the model), and the
 * caller's existing passkeys excluded so one authenticator is not registered twice.
 */
export async function passkeyRegistrationOptions(
  deps: PasskeyDeps,
  em: Em,
  user: { readonly id: string; readonly email: string },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await em.find(Passkey, { user: user.id }, { fields: ['credentialId', 'transports'] });
  const challenge = await issueChallenge(deps, em, { purpose: ChallengePurpose.REGISTER, userId: user.id });
  return generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: deps.webauthn.rpId,
    userID: userHandleOf(user.id),
    userName: user.email,
    userDisplayName: user.email,
    challenge,
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
  });
}

export type RegisterPasskeyResult =
  | { readonly ok: true; readonly passkey: Passkey }
  | { readonly ok: false; readonly reason: 'NOT_VERIFIED' | 'ALREADY_REGISTERED' | 'TOO_MANY' }
  | Extract<NameCheck, { ok: false }>;

/**
 * Verifies the authenticator's answer to `passkeyRegistrationOptions` and stores the new passkey, with its audit
 * row, in one transaction; the user's live sockets hear FACTOR_CHANGED at its commit. The challenge must be this
 * user's and is spent by the first answer naming it.
 */
export async function registerPasskey(
  deps: PasskeyDeps & { readonly audit: AuditLog; readonly sessionEvents: SessionEventPublisher },
  em: Em,
  input: {
    readonly userId: string;
    readonly sessionId: string;
    readonly response: unknown;
    readonly name: string | null | undefined;
    readonly meta: RequestMeta;
  },
): Promise<RegisterPasskeyResult> {
  const { userId, meta } = input;
  const name = passkeyName(input.name ?? 'Passkey');
  if (!name.ok) return name;
  return em.transactional(async (tx): Promise<RegisterPasskeyResult> => {
    const clientData = readClientData(input.response);
    if (!clientData) return { ok: false, reason: 'NOT_VERIFIED' };
    const spent = await spendChallenge(deps, tx as Em, {
      challenge: clientData.challenge,
      purpose: ChallengePurpose.REGISTER,
      userId,
    });
    if (!spent || !originAllowed(deps, clientData.origin)) return { ok: false, reason: 'NOT_VERIFIED' };
    let verified;
    try {
      verified = await verifyRegistrationResponse({
        response: input.response as RegistrationResponseJSON,
        expectedChallenge: clientData.challenge,
        expectedOrigin: clientData.origin,
        expectedRPID: deps.webauthn.rpId,
        requireUserVerification: true,
        supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
      });
    } catch {
      return { ok: false, reason: 'NOT_VERIFIED' };
    }
    if (!verified.verified) return { ok: false, reason: 'NOT_VERIFIED' };
    const { credential, credentialBackedUp } = verified.registrationInfo;
    if (await tx.count(Passkey, { credentialId: credential.id }))
      return { ok: false, reason: 'ALREADY_REGISTERED' };
    if ((await tx.count(Passkey, { user: userId })) >= MAX_PASSKEYS_PER_USER) {
      return { ok: false, reason: 'TOO_MANY' };
    }
    const passkey = tx.create(Passkey, {
      id: randomUUID(),
      user: userId,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey),
      counter: String(credential.counter),
      transports: credential.transports ?? [],
      name: name.value,
      backedUp: credentialBackedUp,
      createdAt: deps.clock.now(),
    });
    await tx.flush();
    await deps.audit.record(
      tx as Em,
      {
        type: AuditEventType.PASSKEY_REGISTERED,
        userId,
        details: { passkeyId: passkey.id, backedUp: credentialBackedUp },
      },
      meta,
    );
    await deps.sessionEvents.publish(tx as Em, userId, {
      type: SessionEventType.FACTOR_CHANGED,
      sessionId: input.sessionId,
    });
    return { ok: true, passkey };
  });
}
