import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, GraphQLError, visit, type DocumentNode } from 'graphql';
import { ErrorCode } from './errors.js';

/** Whether a string literal anywhere in the document holds U+0000. */
function documentHasNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (!node.value.includes('\0')) return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/** Whether any string inside a variables object (nested lists and input objects included) holds U+0000. */
function valueHasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(valueHasNul);
  if (value && typeof value === 'object') return Object.values(value).some(valueHasNul);
  return false;
}

/**
 * Refuses, before any resolver runs, an operation whose arguments or variables hold a NUL character. PostgreSQL
 * text cannot store U+0000 and rejects the whole statement, so a NUL that reached a query (an email at login)
 * answered 500 and wrote an error-level log line for any anonymous caller. No argument has a use for it.
 */
export function refuseNulCharacters<TContext extends object>(): ApolloServerPlugin<TContext> {
  // Apollo hands the same parsed document to every request with the same query text (its document cache): a
  // document seen without a NUL is not walked again. Weak, so documents evicted from Apollo's cache can go.
  const clean = new WeakSet<DocumentNode>();
  const hasNul = (document: DocumentNode) => {
    if (clean.has(document)) return false;
    if (documentHasNul(document)) return true;
    clean.add(document);
    return false;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          if (!hasNul(document) && !valueHasNul(request.variables)) return;
          throw new GraphQLError('Arguments must not contain the NUL character (U+0000)', {
            extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } },
          });
        },
      };
    },
  };
}
