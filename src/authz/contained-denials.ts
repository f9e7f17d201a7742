import {
  isAbstractType,
  isNamedType,
  isNonNullType,
  isObjectType,
  isListType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { readPolicies } from './enforce.js';

/**
 * Fails the build unless every denial stays inside the object it happens in (DESIGN §3 v2: a denial never nulls
 * the whole response). A denied field is null with its error; when the field is non-null, GraphQL nulls the
 * enclosing object instead, then climbs to the next nullable position. So:
 * - a guarded Query or Mutation root field must be nullable (above it there is only `data`, shared with the
 *   operation's other root fields); a subscription has exactly one root field, so its denial nulls nothing else
 *   and `sessionEvents: SessionEvent!` (DESIGN §6.3) stands;
 * - an object that can be denied (one of its non-null fields is guarded) must be nullable wherever it is returned,
 *   and as the item wherever it is listed (`[Session]`), so that a denial nulls that one object and no more.
 */
export function assertDenialsContained(schema: GraphQLSchema): void {
  const policies = readPolicies(schema);
  const guarded = (type: string, field: string) => Array.isArray(policies.get(`${type}.${field}`));
  const deniable = deniableTypes(schema, guarded);
  const roots = new Set([schema.getQueryType(), schema.getMutationType()]);
  const problems: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const mustBeNullable = roots.has(type) && guarded(type.name, field.name);
      const wanted = contained(field.type, mustBeNullable, deniable);
      const actual = String(field.type);
      if (wanted !== actual) problems.push(`${type.name}.${field.name}: ${actual} (make it ${wanted})`);
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `A denial must null no more than the object it is in: ${problems.join(', ')}. A guarded root field is ` +
        'nullable; an object with a guarded non-null field is nullable wherever it is returned or listed.',
    );
  }
}

/** Named types a denial can null as a whole: objects with a guarded non-null field, and unions/interfaces of them. */
function deniableTypes(
  schema: GraphQLSchema,
  guarded: (type: string, field: string) => boolean,
): (type: GraphQLNamedType) => boolean {
  const objects = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields = Object.values(type.getFields());
    if (fields.some((f) => isNonNullType(f.type) && guarded(type.name, f.name))) objects.add(type.name);
  }
  return (type) =>
    isAbstractType(type)
      ? schema.getPossibleTypes(type).some((t) => objects.has(t.name))
      : objects.has(type.name);
}

/** The type as it has to be written for denials to stay contained: drops the `!`s a denial could climb through. */
function contained(
  type: GraphQLOutputType,
  nullableHere: boolean,
  deniable: (type: GraphQLNamedType) => boolean,
): string {
  if (isNonNullType(type)) {
    const inner = type.ofType;
    const denialClimbs = isNamedType(inner) && deniable(inner);
    const printed = contained(inner, false, deniable);
    return nullableHere || denialClimbs ? printed : `${printed}!`;
  }
  if (isListType(type)) return `[${contained(type.ofType, false, deniable)}]`;
  return type.name;
}
