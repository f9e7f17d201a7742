import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { GraphQLContext } from './context.js';
import { createFormatError } from './errors.js';
import { hideSchemaDetails } from './hide-schema-details.js';
import { NoHttpSubscriptionsRule } from './no-http-subscriptions.js';
import { queryLimits } from './query-limits.js';
import { refuseNulCharacters } from './refuse-nul.js';

/** Apollo Server with Gatehouse's limits and safety settings; the caller starts and stops it. */
export function createApolloServer(options: {
  schema: GraphQLSchema;
  httpServer: Server;
  config: Config;
  logger: Logger;
}): ApolloServer<GraphQLContext> {
  const { schema, httpServer, config, logger } = options;
  const limits = config.graphql;
  // When the schema is not published (introspection off, the production default), error messages must not publish
  // it either: no "did you mean …?" suggestions, no type or argument names the client did not write.
  const hideSchema = !limits.introspection;
  const limitRules = queryLimits(config);
  return new ApolloServer<GraphQLContext>({
    schema,
    validationRules: [...limitRules.validationRules, NoHttpSubscriptionsRule],
    parseOptions: { maxTokens: limits.maxTokens },
    introspection: limits.introspection,
    hideSchemaDetailsFromClientErrors: hideSchema,
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT and stops everything in order; Apollo must not race it.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: !config.production,
    formatError: createFormatError({ production: config.production, logger }),
    logger: logger.child({ component: 'apollo' }),
    plugins: [
      ...limitRules.plugins,
      refuseNulCharacters(),
      ...(hideSchema ? [hideSchemaDetails<GraphQLContext>()] : []),
      // Responses are never cacheable (no-store); the default cache-control plugin would only instrument every
      // field resolver for hints nobody reads.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      limits.introspection
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: true })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
}
