import {
  DirectiveLocation,
  GraphQLBoolean,
  GraphQLDirective,
  GraphQLEnumType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLSchema,
  GraphQLString,
  specifiedDirectives,
} from 'graphql';

/**
 * Adds the `@auth` and `@public` definitions to a schema built by type-graphql. They are defined after the build
 * so that their arguments use the schema's own `Role` and `Transport` enums (two enum objects of one name would
 * make an invalid schema).
 */
export function withAuthDirectives(schema: GraphQLSchema): GraphQLSchema {
  const role = enumType(schema, 'Role');
  const transport = enumType(schema, 'Transport');
  const auth = new GraphQLDirective({
    name: 'auth',
    description:
      'Who may resolve this field (or every field of this type). Denied unless the caller qualifies.',
    locations: [DirectiveLocation.OBJECT, DirectiveLocation.FIELD_DEFINITION],
    args: {
      requires: {
        type: new GraphQLList(new GraphQLNonNull(role)),
        defaultValue: [],
        description: 'One of these roles suffices (ADMIN includes USER); empty: any authenticated user.',
      },
      fresh: { type: GraphQLInt, description: 'The login must be at most this many seconds old.' },
      via: { type: new GraphQLList(new GraphQLNonNull(transport)), description: 'Allowed transports.' },
      owner: {
        type: GraphQLString,
        description: "Parent property holding the owner's user id; the owner passes without the roles.",
      },
      verified: { type: GraphQLBoolean, description: "true: the caller's email address must be verified." },
      mfa: {
        type: GraphQLBoolean,
        description: 'The session must have been established with two factors or a passkey.',
      },
    },
  });
  const publicDirective = new GraphQLDirective({
    name: 'public',
    description: 'Open to anonymous callers, on purpose.',
    locations: [DirectiveLocation.FIELD_DEFINITION],
  });
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, directives: [...specifiedDirectives, auth, publicDirective] });
}

function enumType(schema: GraphQLSchema, name: string): GraphQLEnumType {
  const type = schema.getType(name);
  if (!(type instanceof GraphQLEnumType))
    throw new Error(`schema has no enum ${name} for the @auth directive`);
  return type;
}
