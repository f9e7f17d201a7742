import type { Response } from 'express';
import { ErrorCode } from '../graphql/errors.js';

/**
 * RFC 6750 §3: a request with a bad bearer token is refused at the HTTP level (401 invalid_token, 400
 * invalid_request) with a GraphQL-shaped body, so clients see the same `code`/`reason` as in field errors.
 */
export function rejectBearer(
  res: Response,
  kind: 'invalid_token' | 'invalid_request',
  reason: string,
  description: string,
): void {
  const status = kind === 'invalid_token' ? 401 : 400;
  const code = kind === 'invalid_token' ? ErrorCode.UNAUTHENTICATED : ErrorCode.BAD_REQUEST;
  res
    .status(status)
    .set('WWW-Authenticate', `Bearer realm="gatehouse", error="${kind}", error_description="${description}"`)
    .set('Cache-Control', 'no-store')
    .json({ errors: [{ message: description, extensions: { code, reason } }] });
}
