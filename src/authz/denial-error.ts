import { GraphQLError } from 'graphql';
import { AuthReason, ErrorCode, forbidden, unauthenticated } from '../graphql/errors.js';
import type { Denial } from './decide.js';

/** The GraphQL error a client sees for a denial (DESIGN §4): the field is null, the rest stands. */
export function denialError(denial: Denial): GraphQLError {
  switch (denial.kind) {
    case 'UNAUTHENTICATED':
      return unauthenticated(AuthReason.LOGIN_REQUIRED);
    case 'WRONG_TRANSPORT':
      return forbidden(AuthReason.WRONG_TRANSPORT);
    case 'MISSING_ROLE':
      return forbidden(AuthReason.MISSING_ROLE);
    case 'NOT_OWNER':
      return forbidden(AuthReason.NOT_OWNER);
    case 'EMAIL_NOT_VERIFIED':
      return forbidden(AuthReason.EMAIL_NOT_VERIFIED);
    case 'MFA_REQUIRED':
      return forbidden(AuthReason.MFA_REQUIRED);
    case 'NOT_FRESH':
      return new GraphQLError('A recent login is required', {
        extensions: { code: ErrorCode.REAUTHENTICATION_REQUIRED, maxAge: denial.maxAge },
      });
  }
}
