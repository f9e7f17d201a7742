import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { handlerSequence } from './handler-sequence.js';
import { requestContext } from './request-context.js';
import { securityHeaders } from './security-headers.js';

/**
 * What every request passes first, whatever its route, as one Express layer: its id, address and log line, then
 * helmet's headers.
 */
export function everyRequest(options: {
  readonly logger: Logger;
  readonly landingPage: boolean;
}): RequestHandler {
  return handlerSequence(
    requestContext(options.logger),
    securityHeaders({ landingPage: options.landingPage }),
  );
}
