import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * Refuses `subscription` operations on the HTTP endpoint. Without the rule graphql-js only fails at execution
 * ("Schema is not configured to execute subscription operation"), which Apollo answers as an internal error with an
 * error-level log line: any anonymous caller could fill the logs. Subscriptions, once they exist, are served over
 * WebSocket, whose server validates with its own rules, so this rule never stands in their way.
 */
export const NoHttpSubscriptionsRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation !== 'subscription') return;
    context.reportError(
      new GraphQLError('Subscription operations are not supported over HTTP', { nodes: node }),
    );
  },
});
