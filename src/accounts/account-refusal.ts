import { GraphQLError } from 'graphql';
import { AuthReason, badUserInput, ErrorCode, rateLimited, unauthenticated } from '../graphql/errors.js';
import type { AccountOutcome } from './outcomes.js';

/**
 * The GraphQL error of a refused account flow. Every bad link says the same thing: telling an expired link from a
 * spent or unknown one would help nobody but someone trying tokens.
 */
export function accountRefusal(refusal: Extract<AccountOutcome, { ok: false }>): GraphQLError {
  switch (refusal.reason) {
    case 'INVALID_LINK':
      return new GraphQLError('This link is invalid or has expired; ask for a new one', {
        extensions: { code: ErrorCode.BAD_USER_INPUT, reason: AuthReason.INVALID_LINK },
      });
    case 'INVALID':
      return badUserInput(refusal.message, refusal.field);
    case 'WRONG_PASSWORD':
      return unauthenticated(AuthReason.INVALID_CREDENTIALS, 'The current password is wrong');
    case 'RATE_LIMITED':
      return rateLimited(refusal.retryAfterSec);
  }
}

/** The flow's `true`, or its error. */
export function answer(outcome: AccountOutcome): true {
  if (!outcome.ok) throw accountRefusal(outcome);
  return true;
}
