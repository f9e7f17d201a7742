import { isObjectType, type GraphQLSchema } from 'graphql';
import { getDirective } from '@graphql-tools/utils';

/**
 * Fails the build when a root field has neither `@auth` nor `@public` (forgetting is not an option), or when any
 * field has both (`@public` would win, silently undoing the `@auth` someone added).
 */
export function assertDefaultDeny(schema: GraphQLSchema): void {
  const undecided: string[] = [];
  const contradictory: string[] = [];
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const auth = !!getDirective(schema, field, 'auth')?.length;
      const open = !!getDirective(schema, field, 'public')?.length;
      if (auth && open) contradictory.push(`${type.name}.${field.name}`);
      if (roots.has(type) && !auth && !open) undecided.push(`${type.name}.${field.name}`);
    }
  }
  const problems: string[] = [];
  if (undecided.length > 0) {
    problems.push(
      `Default deny: these root fields have neither @auth nor @public: ${undecided.join(', ')}. ` +
        'Decide who may call each one.',
    );
  }
  if (contradictory.length > 0) {
    problems.push(`These fields have both @auth and @public (choose one): ${contradictory.join(', ')}.`);
  }
  if (problems.length > 0) throw new Error(problems.join(' '));
}
