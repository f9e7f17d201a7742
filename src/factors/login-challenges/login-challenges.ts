import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Transport } from '../../authz/transport.js';
import type { Clock } from '../../clock.js';
import type { Em } from '../../db/types.js';
import { LoginChallenge } from './login-challenge.entity.js';

/** How long a client has to give the second factor after the password (DESIGN §6.2). */
export const LOGIN_CHALLENGE_TTL_SEC = 5 * 60;
/** A recognisable prefix, so secret scanners can spot a leaked challenge. */
const PREFIX = 'ghc_';

/** What a live challenge is bound to. */
export interface ChallengeBinding {
  readonly id: string;
  readonly userId: string;
  readonly transport: Transport;
  readonly device: string | null;
  /** When the password check that issued it passed. */
  readonly createdAt: Date;
}

/** The challenges between a right password and the second factor of a two-step login. */
export interface LoginChallenges {
  /** A new challenge (256 random bits; only its SHA-256 is stored). */
  issue(
    em: Em,
    input: { readonly userId: string; readonly transport: Transport; readonly device: string | null },
  ): Promise<string>;
  /** What an unspent, unexpired challenge is bound to; null for any other text. Spends nothing. */
  find(em: Em, token: string): Promise<ChallengeBinding | null>;
  /** Spends it, once: exactly one of any concurrent callers gets true. */
  spend(em: Em, id: string): Promise<boolean>;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export function createLoginChallenges(options: { readonly clock: Clock }): LoginChallenges {
  const { clock } = options;
  return {
    async issue(em, input) {
      const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
      const now = clock.now();
      // Expired challenges of anyone go with each new one: the table holds minutes of logins, not history.
      await em.nativeDelete(LoginChallenge, { expiresAt: { $lt: now } });
      await em.insert(LoginChallenge, {
        id: randomUUID(),
        tokenHash: hash(token),
        user: input.userId,
        transport: input.transport,
        device: input.device,
        createdAt: now,
        expiresAt: new Date(now.getTime() + LOGIN_CHALLENGE_TTL_SEC * 1000),
      });
      return token;
    },
    async find(em, token) {
      if (!token.startsWith(PREFIX) || token.length > 100) return null;
      const row = await em.findOne(LoginChallenge, {
        tokenHash: hash(token),
        spentAt: null,
        expiresAt: { $gt: clock.now() },
      });
      if (!row) return null;
      const { id, transport, device, createdAt } = row;
      return { id, userId: row.user.id, transport, device, createdAt };
    },
    async spend(em, id) {
      const now = clock.now();
      return (
        (await em.nativeUpdate(
          LoginChallenge,
          { id, spentAt: null, expiresAt: { $gt: now } },
          { spentAt: now },
        )) > 0
      );
    },
  };
}
