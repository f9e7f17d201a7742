import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import type { Counter } from 'prom-client';
import { Kind } from 'graphql';

/**
 * Counts `login` mutations in `gatehouse_logins_total{outcome}` from their GraphQL answer, so the login flow
 * itself carries no metrics code. outcome: success | invalid_credentials | rate_limited | refused (any other
 * error: bad input, a transport refused). Requests whose text does not name `login` get no listener at all; of the
 * others only mutations are inspected.
 */
export function countLogins(counter: Counter<'outcome'>): ApolloServerPlugin {
  const outcomes = {
    success: counter.labels('success'),
    UNAUTHENTICATED: counter.labels('invalid_credentials'),
    RATE_LIMITED: counter.labels('rate_limited'),
    refused: counter.labels('refused'),
  };
  // One listener shared by every request it is handed to (it keeps no per-request state): nothing allocated per request.
  const listener: GraphQLRequestListener<BaseContext> = {
    async willSendResponse({ operation, response }) {
      if (operation?.operation !== 'mutation' || response.body.kind !== 'single') return;
      const { data, errors } = response.body.singleResult;
      for (const selection of operation.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD || selection.name.value !== 'login') continue;
        const key = (selection.alias ?? selection.name).value;
        if (data?.[key] != null) {
          outcomes.success.inc();
          continue;
        }
        const code = errors?.find((e) => e.path?.[0] === key)?.extensions?.code;
        (code === 'UNAUTHENTICATED' || code === 'RATE_LIMITED' ? outcomes[code] : outcomes.refused).inc();
      }
    },
  };
  return {
    async requestDidStart({ request }) {
      // Only a document whose text names `login` can hold one; a persisted query's text may arrive later (hash only).
      return request.query === undefined || request.query.includes('login') ? listener : undefined;
    },
  };
}
