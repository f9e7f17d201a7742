import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from './context.js';

/**
 * Copies what resolvers put in `context.extensions` into the response's top-level `extensions`: the one place a
 * mutation whose result type is fixed (changePassword's Boolean) can hand the client something more.
 */
export function responseExtensionsPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const added = contextValue.extensions;
          if (!added || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, ...added };
        },
      };
    },
  };
}
