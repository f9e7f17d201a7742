import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import type { Logger } from '../logger.js';

/** The `extensions.code` values clients may rely on (DESIGN §4). */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  REAUTHENTICATION_REQUIRED: 'REAUTHENTICATION_REQUIRED',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_REQUEST',
  RATE_LIMITED: 'RATE_LIMITED',
  /** login: the password was right, a second factor is needed (`extensions.challenge`, `extensions.factors`). */
  SECOND_FACTOR_REQUIRED: 'SECOND_FACTOR_REQUIRED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** `extensions.reason`: what the client should do next. */
export const AuthReason = {
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  TOKEN_INVALID: 'TOKEN_INVALID',
  SESSION_REVOKED: 'SESSION_REVOKED',
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  REFRESH_TOKEN_REUSED: 'REFRESH_TOKEN_REUSED',
  MISSING_ROLE: 'MISSING_ROLE',
  NOT_OWNER: 'NOT_OWNER',
  WRONG_TRANSPORT: 'WRONG_TRANSPORT',
  LOGIN_REQUIRED: 'LOGIN_REQUIRED',
  /** `@auth(verified: true)`, or a login in REGISTRATION=verify-first mode: follow the mailed link first. */
  EMAIL_NOT_VERIFIED: 'EMAIL_NOT_VERIFIED',
  /** A mailed link's token that is unknown, spent, expired, voided, malformed or for another purpose. */
  INVALID_LINK: 'INVALID_LINK',
  /** `@auth(mfa: true)`: the session was not established with two factors (reauthenticate with one, or log in). */
  MFA_REQUIRED: 'MFA_REQUIRED',
} as const;
export type AuthReason = (typeof AuthReason)[keyof typeof AuthReason];

/** Codes whose message is meant for the client; anything else is masked in production. */
const EXPECTED_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

export function unauthenticated(reason: AuthReason, message = 'Authentication required'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, reason } });
}

export function forbidden(reason: AuthReason, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError('Forbidden', { extensions: { code: ErrorCode.FORBIDDEN, reason, ...extra } });
}

export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, field } });
}

/** HTTP 429 with Retry-After (Apollo applies `extensions.http` to the response and strips it from the body). */
export function rateLimited(retryAfterSec: number): GraphQLError {
  return new GraphQLError('Too many attempts; try again later', {
    extensions: {
      code: ErrorCode.RATE_LIMITED,
      retryAfter: retryAfterSec,
      http: { status: 429, headers: new Map([['retry-after', String(retryAfterSec)]]) },
    },
  });
}

/** Builds Apollo's `formatError`: expected errors keep their code, the rest are logged and (in production) masked. */
export function createFormatError(options: { production: boolean; logger: Logger }) {
  return (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(raw);
    if (original instanceof ArgumentValidationError) {
      const fields = original.extensions.validationErrors?.map((e) => e.property);
      return {
        message: formatted.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: ErrorCode.BAD_USER_INPUT, fields },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && EXPECTED_CODES.has(code)) {
      if (!options.production) return formatted;
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    options.logger.error({ err: original, path: formatted.path }, 'unexpected error in GraphQL operation');
    if (!options.production) return formatted;
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
