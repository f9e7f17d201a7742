import { createRequest, type User } from './api.js';

/** Where the caller stands with TOTP and recovery codes (DESIGN §6.2). */
export interface FactorStatus {
  readonly totp: boolean;
  readonly recoveryCodesRemaining: number;
}

/** A pending TOTP secret: not a factor until a first code confirms it. */
export interface TotpEnrollment {
  readonly secret: string;
  readonly otpauthUrl: string;
}

/** The second step of a login: a 6-digit TOTP code or a recovery code. */
export type SecondFactor = { readonly totp: string } | { readonly recoveryCode: string };

/**
 * What the user typed into the one code field of the second step: six digits are a TOTP code; anything else is a
 * recovery code (those are 16 letters and digits in groups, never six digits alone).
 */
export function secondFactorOf(input: string): SecondFactor {
  const code = input.trim();
  return /^\d{6}$/.test(code) ? { totp: code } : { recoveryCode: code };
}

/** TOTP, recovery codes, step-up and the second step of a login, over the cookie transport. */
export function createFactors(url: string) {
  const request = createRequest(url);
  return {
    async status(): Promise<FactorStatus> {
      const data = await request<{ myFactors: string[]; recoveryCodesRemaining: number }>(
        'query MyFactors { myFactors recoveryCodesRemaining }',
      );
      return { totp: data.myFactors.includes('TOTP'), recoveryCodesRemaining: data.recoveryCodesRemaining };
    },
    /** Needs a login at most 600 s old: REAUTHENTICATION_REQUIRED otherwise. */
    async startTotp(): Promise<TotpEnrollment> {
      const data = await request<{ startTotpEnrollment: TotpEnrollment }>(
        'mutation StartTotpEnrollment { startTotpEnrollment { secret otpauthUrl } }',
      );
      return data.startTotpEnrollment;
    },
    /** Turns TOTP on; the answer is the 10 recovery codes, which the server never shows again. */
    async confirmTotp(code: string): Promise<string[]> {
      const data = await request<{ confirmTotpEnrollment: string[] }>(
        'mutation ConfirmTotpEnrollment($code: String!) { confirmTotpEnrollment(code: $code) }',
        { code },
      );
      return data.confirmTotpEnrollment;
    },
    async disableTotp(code: string): Promise<boolean> {
      const data = await request<{ disableTotp: boolean }>(
        'mutation DisableTotp($code: String!) { disableTotp(code: $code) }',
        { code },
      );
      return data.disableTotp;
    },
    async regenerateRecoveryCodes(): Promise<string[]> {
      const data = await request<{ regenerateRecoveryCodes: string[] }>(
        'mutation RegenerateRecoveryCodes { regenerateRecoveryCodes }',
      );
      return data.regenerateRecoveryCodes;
    },
    /** Step-up: the password renews the freshness that `@auth(fresh: 600)` checks. */
    async reauthenticate(password: string): Promise<boolean> {
      const data = await request<{ reauthenticate: boolean }>(
        'mutation Reauthenticate($password: String!) { reauthenticate(password: $password) }',
        { password },
      );
      return data.reauthenticate;
    },
    /** Spends the challenge of a SECOND_FACTOR_REQUIRED login with one code; the answer sets the session cookie. */
    async completeLogin(challenge: string, factor: SecondFactor): Promise<User> {
      const data = await request<{ completeLogin: { user: User } }>(
        'mutation CompleteLogin($challenge: String!, $totp: String, $recoveryCode: String) { completeLogin(challenge: $challenge, totp: $totp, recoveryCode: $recoveryCode) { user { id email roles } } }',
        { challenge, ...factor },
      );
      return data.completeLogin.user;
    },
  };
}

export type Factors = ReturnType<typeof createFactors>;
