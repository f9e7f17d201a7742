import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationRule } from 'graphql';
import type { Config } from '../config.js';
import { INTROSPECTION_MAX_DEPTH, introspectionDepthRule } from './introspection-depth.js';

/**
 * The query-bomb bounds (OWASP GraphQL cheat sheet): depth, cost, aliases and directives, checked before
 * execution. One set for both transports: HTTP (Apollo) and WebSocket (graphql-ws) validate with the same rules.
 */
export function queryLimits(config: Config): {
  readonly validationRules: ValidationRule[];
  readonly plugins: ApolloServerPlugin[];
} {
  const limits = config.graphql;
  const exposeLimits = !config.production;
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, exposeLimits },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, exposeLimits },
    maxAliases: { n: limits.maxAliases, exposeLimits },
    maxDirectives: { n: limits.maxDirectives, exposeLimits },
    // Token counting is done by graphql-js's own parser (`maxTokens`): armor's variant surfaces as a 500.
    maxTokens: { enabled: false },
    // Off: its "[Suggestion hidden]" marker is itself a tell; hideSchemaDetails removes suggestions instead.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    validationRules: [
      ...(armor.validationRules as ValidationRule[]),
      // armor's depth limit skips __schema; introspection gets its own bound, deep enough for the standard query.
      introspectionDepthRule({ maxDepth: Math.max(limits.maxDepth, INTROSPECTION_MAX_DEPTH), exposeLimits }),
    ],
    plugins: armor.plugins as ApolloServerPlugin[],
  };
}
