import type { GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, type ContainerType, type PubSub } from 'type-graphql';
import { AccountsResolver } from './accounts/accounts.resolver.js';
import { AuditResolver } from './audit/audit.resolver.js';
import { AuthResolver } from './auth/auth.resolver.js';
import { PasskeyResolver } from './factors/passkeys/passkey.resolver.js';
import { assertDenialsContained } from './authz/contained-denials.js';
import { assertDefaultDeny } from './authz/default-deny.js';
import { withAuthDirectives } from './authz/directives.js';
import { FactorsResolver } from './factors/factors.resolver.js';
import { TwoStepResolver } from './factors/two-step.resolver.js';
import { createPubSub } from './realtime/pub-sub.js';
import { SessionEventsResolver } from './realtime/session-events.resolver.js';
import { SessionResolver } from './sessions/session.resolver.js';
import { UserResolver } from './users/user.resolver.js';

export const resolvers = [
  UserResolver,
  AuthResolver,
  SessionResolver,
  AuditResolver,
  PasskeyResolver,
  FactorsResolver,
  TwoStepResolver,
  AccountsResolver,
  SessionEventsResolver,
] as const;

type ResolverClass = abstract new (...args: never[]) => object;

/**
 * The container type-graphql asks for a resolver instance when it runs a field: the instances the composition
 * root built, each with its collaborators (no service locator in the request context).
 */
export function resolverContainer(instances: readonly object[]): ContainerType {
  const byClass = new Map<unknown, object>(instances.map((instance) => [instance.constructor, instance]));
  return {
    get(resolverClass: { name: string }) {
      const instance = byClass.get(resolverClass);
      if (!instance) throw new Error(`No ${resolverClass.name} was built for this schema`);
      return instance;
    },
  };
}

/**
 * For a schema that is printed or reported, never served (src/cli/, tests of the schema itself): building it needs
 * only the classes, since type-graphql asks for an instance when a field runs. Each resolver is made with
 * collaborators that are not there: a field that needs none still runs (`me`, `Session.current`, test-only
 * resolvers), one that needs them fails saying so, never with a half-built service.
 */
const withoutCollaborators: ContainerType = (() => {
  const made = new Map<unknown, object>();
  const unavailable = (name: string): object =>
    new Proxy(
      {},
      {
        get(_target, property) {
          throw new Error(
            `${name} has no ${String(property)} here: build the schema with the app's container`,
          );
        },
      },
    );
  return {
    get(resolverClass: (new (deps: object) => object) & { name: string }) {
      let instance = made.get(resolverClass);
      if (!instance) made.set(resolverClass, (instance = new resolverClass(unavailable(resolverClass.name))));
      return instance;
    },
  };
})();

/**
 * The schema as declared: types, resolvers and the `@auth`/`@public` directives on their fields, checked for
 * default deny and for denials that stay inside their object. This is what `schema.graphql` prints;
 * `enforceAuthorization` turns the directives into checks. `pubSub` feeds the subscriptions. `container` hands out
 * the resolver instances (the app's, from `resolverContainer`); without one, the schema can be printed but the
 * app's fields cannot run.
 */
export async function buildDeclaredSchema(
  extraResolvers: readonly ResolverClass[] = [],
  options: { readonly container?: ContainerType; readonly pubSub?: PubSub } = {},
): Promise<GraphQLSchema> {
  const built = await buildSchema({
    resolvers: [...resolvers, ...extraResolvers] as unknown as [new () => object],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
    container: options.container ?? withoutCollaborators,
    // Subscriptions read from it; a schema that is only printed gets one that nothing publishes to.
    pubSub: options.pubSub ?? createPubSub(),
  });
  const schema = withAuthDirectives(built);
  assertDefaultDeny(schema);
  assertDenialsContained(schema);
  return schema;
}
