import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { GraphQLContext } from './context.js';
import { createFormatError } from './errors.js';

/** Apollo Server with Gatehouse's limits and safety settings; the caller starts and stops it. */
export function createApolloServer(options: {
  schema: GraphQLSchema;
  httpServer: Server;
  config: Config;
  logger: Logger;
}): ApolloServer<GraphQLContext> {
  const { schema, httpServer, config, logger } = options;
  const limits = config.graphql;
  const exposeLimits = !config.production;
  // Query bombs (OWASP GraphQL cheat sheet): depth, cost, aliases, directives and tokens are bounded before
  // execution; field suggestions ("did you mean …?") would map the schema for an attacker in production.
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, exposeLimits },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, exposeLimits },
    maxAliases: { n: limits.maxAliases, exposeLimits },
    maxDirectives: { n: limits.maxDirectives, exposeLimits },
    // Token counting is done by graphql-js's own parser (parseOptions below): armor's variant surfaces as a 500.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: config.production },
  }).protect();
  return new ApolloServer<GraphQLContext>({
    schema,
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
    introspection: limits.introspection,
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT and stops everything in order; Apollo must not race it.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: !config.production,
    formatError: createFormatError({ production: config.production, logger }),
    logger: logger.child({ component: 'apollo' }),
    plugins: [
      ...armor.plugins,
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
