import type { IncomingMessage, Server } from 'node:http';
import type { Express } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Authenticate } from '../auth/authenticate.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Em } from '../db/types.js';
import { createFormatError } from '../graphql/errors.js';
import { queryLimits } from '../graphql/query-limits.js';
import { originAllowed } from '../http/cors.js';
import type { Logger } from '../logger.js';
import type { Invalidations } from '../sessions/invalidations.js';
import type { SessionAdmission } from '../sessions/session-admission.js';
import { liveSubscriptions } from './live-schema.js';
import { createLiveServer, type LiveServer } from './live-server.js';
import { LiveSockets } from './live-sockets.js';

export interface LiveGraphQLOptions {
  readonly httpServer: Server;
  /** Express, for its `trust proxy` reading of the client's address. */
  readonly app: Express;
  /** The served schema (after `enforceAuthorization`). */
  readonly schema: GraphQLSchema;
  readonly config: Config;
  readonly authenticate: Authenticate;
  readonly sessions: Pick<SessionAdmission, 'check'>;
  readonly invalidations: Pick<Invalidations, 'watch'>;
  readonly forkEm: () => Em;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly connections?: { inc(): void; dec(): void };
}

/** Live GraphQL as the composition root wires it: the WebSocket server, its sockets bound to their sessions. */
export function startLiveGraphQL(
  options: LiveGraphQLOptions,
): LiveServer & { readonly sockets: LiveSockets } {
  const { config, clock, logger } = options;
  const sockets = new LiveSockets({
    sessions: options.sessions,
    clock,
    logger,
    maxPerSession: config.live.maxSocketsPerSession,
    maxPerIp: config.live.maxSocketsPerIp,
  });
  // Every invalidation this instance applies (heard from any instance, or made here) re-checks its sockets.
  const unwatch = options.invalidations.watch((invalidation) => sockets.recheck(invalidation));
  const server = createLiveServer({
    httpServer: options.httpServer,
    schema: liveSubscriptions(options.schema, { clock }),
    authenticate: options.authenticate,
    sockets,
    clock,
    logger: logger.child({ component: 'live' }),
    originAllowed: (origin) => originAllowed(config, origin),
    clientIp: clientIpOf(options.app),
    forkEm: options.forkEm,
    validationRules: queryLimits(config).validationRules,
    formatError: createFormatError({ production: config.production, logger }),
    limits: { ...config.live, maxTokens: config.graphql.maxTokens },
    connections: options.connections,
  });
  return {
    sockets,
    async stop() {
      unwatch();
      await server.stop();
    },
  };
}

/** The address Express would give this request as `req.ip` (TRUST_PROXY honoured the same way). */
function clientIpOf(app: Express): (req: IncomingMessage) => string {
  return (req) => {
    const view = Object.create(app.request, {
      app: { value: app },
      headers: { value: req.headers },
      socket: { value: req.socket },
      connection: { value: req.socket },
    }) as { ip?: string };
    return view.ip ?? 'unknown';
  };
}
