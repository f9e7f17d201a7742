import type { GraphQLError } from 'graphql';
import { AuthReason, badUserInput, rateLimited, unauthenticated } from '../graphql/errors.js';
import type { RateLimitedResult } from '../auth/rate-limit-guard.js';

/** Why a second-factor flow refused. */
export type FactorRefusal =
  | { readonly reason: 'ONE_PROOF' }
  | { readonly reason: 'CHALLENGE_INVALID' }
  | { readonly reason: 'INVALID_CREDENTIALS' }
  | { readonly reason: 'SESSION_REVOKED' }
  | RateLimitedResult;

/**
 * The GraphQL error of a refused second-factor flow. A bad challenge (unknown, expired, spent, another transport)
 * is UNAUTHENTICATED with reason LOGIN_REQUIRED: the client starts the login again. A wrong factor is
 * UNAUTHENTICATED with INVALID_CREDENTIALS and one message whatever the factor, like a wrong password.
 */
export function factorRefusal(refusal: FactorRefusal): GraphQLError {
  switch (refusal.reason) {
    case 'ONE_PROOF':
      return badUserInput('Give exactly one proof (one of totp, recoveryCode, passkey; or password)');
    case 'CHALLENGE_INVALID':
      return unauthenticated(AuthReason.LOGIN_REQUIRED, 'The login has expired or was used; log in again');
    case 'INVALID_CREDENTIALS':
      return unauthenticated(AuthReason.INVALID_CREDENTIALS, 'Invalid code or credential');
    case 'SESSION_REVOKED':
      return unauthenticated(AuthReason.SESSION_REVOKED, 'Please log in again');
    case 'RATE_LIMITED':
      return rateLimited(refusal.retryAfterSec);
  }
}
