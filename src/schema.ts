import type { GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { AuditResolver } from './audit/audit.resolver.js';
import { AuthResolver } from './auth/auth.resolver.js';
import { assertDenialsContained } from './authz/contained-denials.js';
import { assertDefaultDeny } from './authz/default-deny.js';
import { withAuthDirectives } from './authz/directives.js';
import { SessionResolver } from './sessions/session.resolver.js';
import { UserResolver } from './users/user.resolver.js';

export const resolvers = [UserResolver, AuthResolver, SessionResolver, AuditResolver] as const;

/**
 * The schema as declared: types, resolvers and the `@auth`/`@public` directives on their fields, checked for
 * default deny and for denials that stay inside their object. This is what `schema.graphql` prints;
 * `enforceAuthorization` turns the directives into checks.
 */
export async function buildDeclaredSchema(
  extraResolvers: readonly (new () => object)[] = [],
): Promise<GraphQLSchema> {
  const built = await buildSchema({
    resolvers: [...resolvers, ...extraResolvers] as unknown as [new () => object],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
  });
  const schema = withAuthDirectives(built);
  assertDefaultDeny(schema);
  assertDenialsContained(schema);
  return schema;
}
