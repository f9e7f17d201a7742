import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { handlerSequence } from './handler-sequence.js';
import { requestContext } from './request-context.js';
import { securityHeaders } from './security-headers.js';

/**
 * What every request passes first, whatever its route, as one Express layer: its id, address and log line, then
 * helmet's headers, then `more` (the duration metric when metrics are served).
 */
export function everyRequest(options: {
  readonly logger: Logger;
  readonly landingPage: boolean;
  readonly more: readonly RequestHandler[];
}): RequestHandler {
  return handlerSequence(
    requestContext(options.logger),
    securityHeaders({ landingPage: options.landingPage }),
    ...options.more,
  );
}
