import {
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';

/**
 * Parses and validates a `subscribe` message's query with the same rules and token bound as HTTP; only a
 * subscription is served on a socket. The document, or the errors to answer with (each with a code, as Apollo's).
 */
export function subscriptionDocument(
  schema: GraphQLSchema,
  payload: { readonly query: string; readonly operationName?: string | null },
  options: { readonly rules: readonly ValidationRule[]; readonly maxTokens: number },
): { readonly document: DocumentNode } | { readonly errors: readonly GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(payload.query, { maxTokens: options.maxTokens });
  } catch (error) {
    return { errors: [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')] };
  }
  const operation = getOperationAST(document, payload.operationName);
  if (operation && operation.operation !== 'subscription') {
    return { errors: [refusal('Only subscriptions are served over WebSocket; use HTTP', 'BAD_REQUEST')] };
  }
  const errors = validate(schema, document, options.rules);
  if (errors.length > 0) return { errors: errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED')) };
  return { document };
}

/** A refusal answered as a GraphQL error with a stable code (DESIGN §4). */
export function refusal(message: string, code: string, reason?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(reason && { reason }) } });
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  if (error.extensions?.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });
}
