import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import type { Clock } from '../clock.js';
import { decide } from '../authz/decide.js';
import { denialError } from '../authz/denial-error.js';
import { readPolicies } from '../authz/enforce.js';
import type { LiveContext } from './live-context.js';
import { Denied, LiveStream, type Verdict } from './live-stream.js';

/**
 * Makes the authorization of every subscription field live (DESIGN §6.3), on top of `enforceAuthorization`, which
 * checks at subscribe and per event with the context's viewer. Before each event, the socket's session is re-read
 * (so that viewer is the current one; a dead session closes the socket) and the field's policy is applied again;
 * a socket's role change re-checks between events. A denial answers the field's error once and completes it.
 */
export function liveSubscriptions(schema: GraphQLSchema, options: { readonly clock: Clock }): GraphQLSchema {
  const policies = readPolicies(schema);
  const subscriptionType = schema.getSubscriptionType()?.name;
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      if (typeName !== subscriptionType || !field.subscribe) return field;
      const policy = policies.get(`${typeName}.${fieldName}`);
      const subscribe = field.subscribe;
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        async subscribe(source, args, context: Partial<LiveContext>, info) {
          const events: unknown = await subscribe(source, args, context, info);
          const live = context.live;
          if (!live || !isAsyncIterable(events)) return events;
          const check = async (): Promise<Verdict> => {
            if (!(await live.refresh())) return 'closed';
            if (!Array.isArray(policy)) return 'allowed';
            for (const p of policy) {
              const denial = decide(p, context.viewer ?? null, undefined, () => options.clock.now());
              if (denial) return new Denied(denial);
            }
            return 'allowed';
          };
          let untrack = () => undefined as void;
          const stream = new LiveStream(events[Symbol.asyncIterator](), check, () => untrack());
          untrack = live.track(stream);
          return stream;
        },
        resolve(source, args, context, info) {
          if (source instanceof Denied) throw denialError(source.denial);
          return resolve(source, args, context, info);
        },
      };
    },
  });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
