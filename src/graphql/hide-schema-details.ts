import type { ApolloServerPlugin } from '@apollo/server';
import { visit, type DocumentNode } from 'graphql';
import { ErrorCode } from './errors.js';

// graphql-js quotes every schema name it mentions: `Field "login" argument "password" of type "String!" is
// required`, `Field "login" of type "AuthPayload!" must have a selection of subfields`.
const QUOTED = /"([^"]*)"/g;
const NAME = /[_A-Za-z][_0-9A-Za-z]*/g;
const SUGGESTION = / ?Did you mean(.+?)\?$/;
/** Request-level errors that graphql-js words from the schema: validation, and the coercion of variables. */
const SCHEMA_WORDED = new Set<unknown>(['GRAPHQL_VALIDATION_FAILED', ErrorCode.BAD_USER_INPUT]);

/** Every name the client wrote in its document: it may read those back, and nothing else of the schema. */
function namesIn(document: DocumentNode | undefined): Set<string> {
  const names = new Set<string>();
  if (!document) return names;
  visit(document, {
    Name(node) {
      names.add(node.value);
    },
    EnumValue(node) {
      names.add(node.value);
    },
  });
  return names;
}

/** A message without suggestions, and with every quoted name the client did not write replaced by "?". */
export function redactSchemaDetails(message: string, known: ReadonlySet<string>): string {
  return message
    .replace(SUGGESTION, '')
    .replace(QUOTED, (quoted, inner: string) =>
      (inner.match(NAME) ?? []).every((name) => known.has(name)) ? quoted : '"?"',
    );
}

/**
 * With introspection off, error messages must not publish the schema either (OWASP GraphQL cheat sheet). Apollo's
 * `hideSchemaDetailsFromClientErrors` only removes "Did you mean …?" from validation errors; this also removes it
 * from variable-coercion errors (enum values), and hides the argument and type names graphql-js puts in its
 * messages (a missing required argument, a field's type), which map the schema one probe at a time.
 */
export function hideSchemaDetails<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ document, errors }) {
          let known: Set<string> | undefined;
          for (const error of errors) {
            if (error.path || !SCHEMA_WORDED.has(error.extensions?.code)) continue;
            known ??= namesIn(document);
            error.message = redactSchemaDetails(error.message, known);
          }
        },
      };
    },
  };
}
