import type { AuditLog } from '../audit/audit-log.js';
import type { LoginSecondStep } from '../auth/login.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createFactorCipher } from './factor-cipher.js';
import { resolveFactorKeys } from './factor-keys.js';
import { createLoginChallenges, type LoginChallenges } from './login-challenges/login-challenges.js';
import { createPasskeyFactor, type PasskeyFactor } from './passkeys/passkey-factor.js';
import { createRecoveryCodes, type RecoveryCodes } from './recovery-codes/recovery-codes.js';
import { createSecondFactors, type SecondFactors } from './second-factors.js';
import { createTotpFactors, type TotpFactors } from './totp/totp-factors.js';

/** The issuer authenticator apps show beside the account. */
export const TOTP_ISSUER = 'Gatehouse';

/** Second factors as the resolvers and login see them, built once by the composition root. */
export interface FactorServices {
  readonly totp: TotpFactors;
  readonly recoveryCodes: RecoveryCodes;
  readonly challenges: LoginChallenges;
  readonly secondFactors: SecondFactors;
  readonly passkeyFactor: PasskeyFactor;
  /** login's hook: which factors an account has, and the challenge for completeLogin. */
  readonly secondStep: LoginSecondStep;
}

/** Builds the second-factor services: the TOTP secrets' cipher from FACTOR_ENCRYPTION_KEY (or a dev key). */
export function createFactors(options: {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly audit: AuditLog;
}): FactorServices {
  const { config, logger, clock, audit } = options;
  const passkeyFactor = createPasskeyFactor({ webauthn: config.webauthn, clock, logger });
  const cipher = createFactorCipher(resolveFactorKeys(config, logger));
  const totp = createTotpFactors({ cipher, clock, issuer: TOTP_ISSUER });
  const recoveryCodes = createRecoveryCodes({ clock });
  const challenges = createLoginChallenges({ clock });
  const secondFactors = createSecondFactors({ totp, recoveryCodes, passkeyFactor, audit });
  return {
    totp,
    recoveryCodes,
    challenges,
    secondFactors,
    passkeyFactor,
    secondStep: {
      factorsOf: (em, userId) => secondFactors.factorsOf(em, userId),
      challenge: (em, input) => challenges.issue(em, input),
    },
  };
}
