import type { RateLimitedResult } from '../auth/rate-limit-guard.js';

/** Every bad link token, whatever was wrong with it: one answer (BAD_USER_INPUT, reason INVALID_LINK). */
export interface InvalidLink {
  readonly ok: false;
  readonly reason: 'INVALID_LINK';
}
export const INVALID_LINK: InvalidLink = { ok: false, reason: 'INVALID_LINK' };

/** An argument that breaks a rule that depends on the input alone (password policy, address form). */
export interface InvalidInput {
  readonly ok: false;
  readonly reason: 'INVALID';
  readonly field: string;
  readonly message: string;
}

export const DONE = { ok: true } as const;
export type Done = typeof DONE;

/** What the account flows answer. */
export type AccountOutcome =
  | Done
  | InvalidLink
  | InvalidInput
  | { readonly ok: false; readonly reason: 'WRONG_PASSWORD' }
  | RateLimitedResult;

/** Thrown inside a flow's transaction to roll it back when the token turns out bad there (a race lost). */
export class LinkRefused extends Error {
  override name = 'LinkRefused';
}
