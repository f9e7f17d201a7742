import type { RequestHandler } from 'express';
import type { Config } from '../config.js';
import { corsMiddleware, originAllowed } from './cors.js';
import { handlerSequence } from './handler-sequence.js';
import { noStore } from './no-store.js';
import { originCheck } from './origin-check.js';

/** The HTTP checks a GraphQL request passes before authentication: CORS, the cross-site origin check, no-store. */
export function graphqlGuards(config: Config): RequestHandler {
  return handlerSequence(
    corsMiddleware(config),
    originCheck((origin) => originAllowed(config, origin)),
    noStore,
  );
}
