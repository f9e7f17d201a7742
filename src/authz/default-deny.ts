import type { GraphQLSchema } from 'graphql';
import { getDirective } from '@graphql-tools/utils';

/** Fails the build when a root field has neither `@auth` nor `@public`: forgetting is not an option. */
export function assertDefaultDeny(schema: GraphQLSchema): void {
  const offenders: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const decided =
        getDirective(schema, field, 'auth')?.length || getDirective(schema, field, 'public')?.length;
      if (!decided) offenders.push(`${root.name}.${field.name}`);
    }
  }
  if (offenders.length > 0) {
    throw new Error(
      `Default deny: these root fields have neither @auth nor @public: ${offenders.join(', ')}. ` +
        'Decide who may call each one.',
    );
  }
}
