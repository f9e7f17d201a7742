import { GraphQLError } from 'graphql';
import { AuthReason, badUserInput, ErrorCode, rateLimited, unauthenticated } from '../graphql/errors.js';
import type { ChangePasswordResult } from './change-password.js';
import type { LoginResult } from './login.js';
import type { RefreshResult } from './refresh.js';
import type { RegisterResult } from './register.js';

/** One message for every credential failure: never say which of email and password was wrong. */
const INVALID_CREDENTIALS = 'Invalid email or password';

/**
 * The answer to registering a taken email. Registration logs in at once, so refusing is itself unavoidable; the
 * answer still does not single out the email or say an account exists, and it costs the same argon2 hash as a
 * success (createUser), so neither the words nor the time tell more than the refusal does.
 */
const REGISTRATION_FAILED = 'Registration could not be completed with these details';

type Refusal<R> = Extract<R, { ok: false }>;

/** Why an auth flow refused, as any of them says it. */
export type AuthRefusal =
  Refusal<RegisterResult> | Refusal<LoginResult> | Refusal<RefreshResult> | Refusal<ChangePasswordResult>;

/** The GraphQL error a client gets for a refused auth flow: a stable code and reason, and a message for people. */
export function authRefusal(refusal: AuthRefusal): GraphQLError {
  switch (refusal.reason) {
    case 'RATE_LIMITED':
      return rateLimited(refusal.retryAfterSec);
    case 'INVALID':
      return badUserInput(refusal.message, refusal.field);
    // A taken email, or a lost race for one, names no field and no account (see REGISTRATION_FAILED).
    case 'TAKEN':
      return badUserInput(REGISTRATION_FAILED);
    case 'EMAIL_NOT_VERIFIED':
      return new GraphQLError('Verify your email address first: follow the latest link we mailed to it', {
        extensions: { code: ErrorCode.FORBIDDEN, reason: AuthReason.EMAIL_NOT_VERIFIED },
      });
    case 'INVALID_CREDENTIALS':
      return unauthenticated(AuthReason.INVALID_CREDENTIALS, INVALID_CREDENTIALS);
    // Not a failure: the client asks for a code (or a passkey) and calls completeLogin with the challenge.
    case 'SECOND_FACTOR_REQUIRED':
      return new GraphQLError('A second factor is required', {
        extensions: {
          code: ErrorCode.SECOND_FACTOR_REQUIRED,
          challenge: refusal.challenge,
          factors: refusal.factors,
        },
      });
    case 'WRONG_PASSWORD':
      return unauthenticated(AuthReason.INVALID_CREDENTIALS, 'The current password is wrong');
    case 'TOKEN_INVALID':
      return unauthenticated(AuthReason.TOKEN_INVALID, 'The refresh token is invalid');
    case 'SESSION_REVOKED':
    case 'SESSION_EXPIRED':
    case 'REFRESH_TOKEN_REUSED':
      return unauthenticated(AuthReason[refusal.reason], 'Please log in again');
  }
}
