import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Em } from '../../db/types.js';
import { CHALLENGE_TTL_SEC } from './relying-party.js';
import { ChallengePurpose, WebAuthnChallenge } from './webauthn-challenge.entity.js';

const hash = (challenge: string) => createHash('sha256').update(challenge).digest('hex');

/**
 * Issues a 256-bit challenge for one ceremony, stored as its hash (a database reader learns nothing it could
 * answer with). Expired challenges are swept here, so the table holds only the last few minutes' worth.
 */
export async function issueChallenge(
  deps: { readonly clock: Clock },
  em: Em,
  input: { readonly purpose: ChallengePurpose; readonly userId: string | null },
): Promise<Uint8Array<ArrayBuffer>> {
  const now = deps.clock.now();
  const bytes = randomBytes(32);
  await em.nativeDelete(WebAuthnChallenge, { expiresAt: { $lt: now } });
  await em.insert(WebAuthnChallenge, {
    id: randomUUID(),
    challengeHash: hash(bytes.toString('base64url')),
    purpose: input.purpose,
    userId: input.userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + CHALLENGE_TTL_SEC * 1000),
    usedAt: null,
  });
  return new Uint8Array(bytes);
}

/**
 * Spends a challenge (base64url, as `clientDataJSON` carries it): true for exactly one caller, however many
 * instances race, and only while it is unexpired, unspent, of this purpose and (for REGISTER) this user's. It is
 * spent before the response is checked, so a response that fails cannot be retried with the same challenge.
 */
export async function spendChallenge(
  deps: { readonly clock: Clock },
  em: Em,
  input: { readonly challenge: string; readonly purpose: ChallengePurpose; readonly userId: string | null },
): Promise<boolean> {
  const now = deps.clock.now();
  const spent = await em.nativeUpdate(
    WebAuthnChallenge,
    {
      challengeHash: hash(input.challenge),
      purpose: input.purpose,
      userId: input.userId,
      usedAt: null,
      expiresAt: { $gt: now },
    },
    { usedAt: now },
  );
  return spent === 1;
}
