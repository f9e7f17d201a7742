import { SESSION_EVENTS as SESSION_TOPIC } from '../../src/realtime/session-events.js';
import { LiveClient, openLive, SESSION_EVENTS } from '../support/live.js';
import { startServer, useTestServer } from '../support/server.js';
import { createTestDatabase } from '../support/database.js';
import { registerBearer } from '../support/users.js';
import { gql } from '../support/client.js';
import { feedModule, POST_FEED_MANY } from './feed-module.js';

/*
 * Every bound of a live socket ends in a clean close code or a GraphQL error, never a crash: sockets per session
 * and per address, message size, subscriptions per socket, subscribe rate, the HTTP query limits, a consumer that
 * does not read, and the shutdown.
 */

const ctx = useTestServer({
  modules: [feedModule],
  env: {
    WS_MAX_SOCKETS_PER_SESSION: '2',
    WS_MAX_SOCKETS_PER_IP: '6',
    WS_MAX_MESSAGE_BYTES: '2048',
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2',
    WS_MAX_SUBSCRIBES_PER_MINUTE: '5',
    GRAPHQL_MAX_ALIASES: '2',
    WS_MAX_BUFFERED_BYTES: String(64 * 1024),
  },
});

async function bearer(): Promise<{ token: string; userId: string; email: string }> {
  const user = await registerBearer(ctx.server.url);
  return { token: `Bearer ${user.accessToken}`, userId: user.userId, email: user.email };
}

it('closes a socket beyond WS_MAX_SOCKETS_PER_SESSION with 4429 TOO_MANY_SOCKETS', async () => {
  const { token } = await bearer();
  const kept = [
    await openLive(ctx.server.url, { authorization: token }),
    await openLive(ctx.server.url, { authorization: token }),
  ];
  const third = await LiveClient.connect(ctx.server.url);
  expect(await third.init({ authorization: token })).toEqual({ code: 4429, reason: 'TOO_MANY_SOCKETS' });
  // A closed socket frees its place.
  await kept[0]!.close();
  const again = await openLive(ctx.server.url, { authorization: token });
  await Promise.all([kept[1]!.close(), again.close()]);
});

it('refuses the upgrade beyond WS_MAX_SOCKETS_PER_IP with HTTP 429', async () => {
  expect.assertions(1);
  const open = await Promise.all(Array.from({ length: 6 }, () => LiveClient.connect(ctx.server.url)));
  try {
    await expect(LiveClient.connect(ctx.server.url)).rejects.toMatchObject({ status: 429 });
  } finally {
    await Promise.all(open.map((c) => c.close()));
  }
});

it('closes a socket that sends a message over WS_MAX_MESSAGE_BYTES with 1009', async () => {
  const client = await openLive(ctx.server.url);
  client.subscribe('1', `subscription { sessionEvents { type } } # ${'x'.repeat(4096)}`);
  expect((await client.closed).code).toBe(1009);
});

it('answers a subscription beyond WS_MAX_SUBSCRIPTIONS_PER_SOCKET with an error, and keeps the socket', async () => {
  const { token, userId } = await bearer();
  const client = await openLive(ctx.server.url, { authorization: token });
  client.subscribe('1', SESSION_EVENTS);
  client.subscribe('2', SESSION_EVENTS);
  await ctx.server.app.live.events.pubSub.subscribed(SESSION_TOPIC, userId);
  client.subscribe('3', SESSION_EVENTS);
  const refused = await client.message('3');
  expect(refused.type).toBe('error');
  expect(refused.payload).toEqual([
    expect.objectContaining({ extensions: { code: 'BAD_REQUEST', reason: 'TOO_MANY_SUBSCRIPTIONS' } }),
  ]);
  expect(client.ws.readyState).toBe(client.ws.OPEN);
  await client.close();
});

it('applies the HTTP query limits (graphql-armor) to subscriptions: aliases over the bound are an error', async () => {
  const client = await openLive(ctx.server.url);
  client.subscribe('1', 'subscription { sessionEvents { a: type b: sessionId c: at } }');
  const refused = await client.message('1');
  expect(refused.type).toBe('error');
  expect(JSON.stringify(refused.payload)).toMatch(/aliases/i);
  expect(client.ws.readyState).toBe(client.ws.OPEN);
  await client.close();
});

it('cuts off a consumer that does not read (WS_MAX_BUFFERED_BYTES) with 1013 SLOW_CONSUMER', async () => {
  const { token } = await bearer();
  const client = await openLive(ctx.server.url);
  client.subscribe('1', 'subscription { publicFeed }');
  await ctx.server.app.live.events.pubSub.subscribed('PUBLIC_FEED');
  // The client stops reading: what the server sends piles up in the kernel's buffers (a few MB on loopback), then
  // in the server's, where the bound applies. ~10 MB of events is more than the kernel holds.
  const tcp = (client.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  tcp.pause();
  for (let batch = 0; batch < 15; batch++) {
    await gql(
      ctx.server.url,
      POST_FEED_MANY,
      { topic: 'PUBLIC_FEED', text: 'x'.repeat(7000), times: 100 },
      {
        headers: { authorization: token },
      },
    );
  }
  // Reading again, the client finds the events that were sent, then the server's close.
  tcp.resume();
  const closed = await client.closed;
  expect(closed).toEqual({ code: 1013, reason: 'SLOW_CONSUMER' });
  // Far fewer than the 1 500 published: the server stopped sending once its buffer passed the bound.
  expect(client.of('1').length).toBeLessThan(1500);
});

it('closes a socket that subscribes faster than WS_MAX_SUBSCRIBES_PER_MINUTE with 4429 SUBSCRIBE_RATE', async () => {
  const client = await openLive(ctx.server.url);
  for (let i = 0; i < 6; i++) {
    client.subscribe(String(i), SESSION_EVENTS);
    client.send({ id: String(i), type: 'complete' });
  }
  expect(await client.closed).toEqual({ code: 4429, reason: 'SUBSCRIBE_RATE' });
});

it('closes a socket that sends something that is not the protocol with 4400', async () => {
  const client = await openLive(ctx.server.url);
  client.ws.send('{ not json');
  expect((await client.closed).code).toBe(4400);
});

it('closes every socket with 1001 when the server stops', async () => {
  const db = await createTestDatabase();
  const server = await startServer(db);
  try {
    const user = await registerBearer(server.url);
    const sockets = [
      await openLive(server.url, { authorization: `Bearer ${user.accessToken}` }),
      await openLive(server.url),
    ];
    await server.stop();
    for (const socket of sockets) expect((await socket.closed).code).toBe(1001);
  } finally {
    await server.stop();
    await db.close();
  }
});
