import { ApolloClient, gql, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { SESSION_EVENTS } from '../../src/realtime/session-events.js';
import { useTestServer } from '../support/server.js';
import { loginBearer, loginCookie, registerBearer } from '../support/users.js';

/*
 * Apollo Client over GraphQLWsLink (graphql-ws's client), as an app would use it: the bearer token in
 * connectionParams, or the session cookie sent with the upgrade (as a browser does, with its Origin).
 */

const t = useTestServer();
const EVENTS = gql`
  subscription {
    sessionEvents {
      type
      sessionId
    }
  }
`;

function apollo(wsClient: Client) {
  return new ApolloClient({ link: new GraphQLWsLink(wsClient), cache: new InMemoryCache() });
}

/** The first sessionEvents event the client receives, after `trigger` runs once the server listens. */
async function firstEvent(client: ApolloClient, userId: string, trigger: () => Promise<unknown>) {
  const event = new Promise<unknown>((resolve, reject) => {
    const sub = client.subscribe({ query: EVENTS }).subscribe({
      next: (result) => {
        sub.unsubscribe();
        resolve(result.data);
      },
      error: reject,
    });
  });
  await t.server.app.live.events.pubSub.subscribed(SESSION_EVENTS, userId);
  await trigger();
  return event;
}

it('bearer: the access token in connectionParams', async () => {
  const user = await registerBearer(t.server.url);
  const wsClient = createClient({
    url: t.server.url.replace('http', 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: () => ({ authorization: `Bearer ${user.accessToken}` }),
  });
  const second = await firstEvent(apollo(wsClient), user.userId, () => loginBearer(t.server.url, user.email));
  expect(second).toEqual({
    sessionEvents: { __typename: 'SessionEvent', type: 'SESSION_STARTED', sessionId: expect.any(String) },
  });
  await wsClient.dispose();
});

it('cookie: the session cookie and an allowed Origin on the upgrade', async () => {
  const user = await registerBearer(t.server.url);
  const { jar, userId } = await loginCookie(t.server.url, user.email);
  // What a browser does by itself: the cookie and the page's Origin go with the upgrade.
  class BrowserLikeWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie: jar.header()!, origin: 'http://localhost:5173' } });
    }
  }
  const wsClient = createClient({
    url: t.server.url.replace('http', 'ws'),
    webSocketImpl: BrowserLikeWebSocket,
  });
  const event = await firstEvent(apollo(wsClient), userId, () => loginBearer(t.server.url, user.email));
  expect(event).toMatchObject({ sessionEvents: { type: 'SESSION_STARTED' } });
  await wsClient.dispose();
});
