import { gql } from '../support/client.js';
import { sql } from '../support/database.js';
import { SESSION_EVENTS as SESSION_TOPIC } from '../../src/realtime/session-events.js';
import { LiveClient, openLive, RefusedUpgrade, SESSION_EVENTS } from '../support/live.js';
import { useTestServer } from '../support/server.js';
import { loginBearer, loginCookie, registerBearer } from '../support/users.js';

/*
 * DESIGN §6.3, connecting: the cookie on the upgrade only from an allowed Origin (cross-site WebSocket hijacking),
 * a bearer token in connection_init that decides alone, a bad token closed with 4401 and its reason, and
 * connection_init within a bound.
 */

const ctx = useTestServer({ env: { WS_CONNECTION_INIT_TIMEOUT: '1' } });
const GOOD_ORIGIN = 'http://localhost:5173';

async function cookieOf(): Promise<{ cookie: string; sessionId: string; userId: string }> {
  const user = await registerBearer(ctx.server.url);
  const { jar, sessionId, userId } = await loginCookie(ctx.server.url, user.email);
  return { cookie: jar.header()!, sessionId, userId };
}

describe('connecting with the session cookie', () => {
  it('is allowed from an allowed Origin and identifies the session', async () => {
    const { cookie, userId } = await cookieOf();
    const client = await openLive(ctx.server.url, undefined, { cookie, origin: GOOD_ORIGIN });
    client.subscribe('1', SESSION_EVENTS);
    await ctx.server.app.live.events.pubSub.subscribed(SESSION_TOPIC, userId);
    // A second login of the same user is an event of that user: the socket is theirs.
    await loginBearer(ctx.server.url, (await emailOf(userId))!);
    const m = await client.message('1');
    expect(m.type).toBe('next');
    expect(m.payload?.data).toEqual({ sessionEvents: expect.objectContaining({ type: 'SESSION_STARTED' }) });
    await client.close();
  });

  it.each([
    ['a foreign Origin', 'https://evil.example'],
    ['no Origin', undefined],
    ['the null Origin', 'null'],
  ])('is refused with HTTP 403 before the handshake from %s', async (_name, origin) => {
    expect.assertions(2);
    const { cookie } = await cookieOf();
    const refused = LiveClient.connect(ctx.server.url, { cookie, origin });
    await expect(refused).rejects.toBeInstanceOf(RefusedUpgrade);
    await expect(refused).rejects.toMatchObject({ status: 403 });
  });
});

describe('connecting with a bearer token in connection_init', () => {
  it('identifies the session from the token', async () => {
    const user = await registerBearer(ctx.server.url);
    const client = await openLive(ctx.server.url, { authorization: `Bearer ${user.accessToken}` });
    client.subscribe('1', SESSION_EVENTS);
    await ctx.server.app.live.events.pubSub.subscribed(SESSION_TOPIC, user.userId);
    await loginBearer(ctx.server.url, user.email);
    expect((await client.message('1')).payload?.data).toEqual({
      sessionEvents: expect.objectContaining({ type: 'SESSION_STARTED' }),
    });
    await client.close();
  });

  it('decides alone: a bad token with a good cookie is closed 4401, never falls back to the cookie', async () => {
    const { cookie } = await cookieOf();
    const client = await LiveClient.connect(ctx.server.url, { cookie, origin: GOOD_ORIGIN });
    expect(await client.init({ authorization: 'Bearer not.a.token' })).toEqual({
      code: 4401,
      reason: 'TOKEN_INVALID',
    });
  });

  it('closes 4401 TOKEN_EXPIRED for an expired token', async () => {
    const user = await registerBearer(ctx.server.url);
    ctx.server.clock.advance(3600);
    try {
      const client = await LiveClient.connect(ctx.server.url);
      expect(await client.init({ authorization: `Bearer ${user.accessToken}` })).toEqual({
        code: 4401,
        reason: 'TOKEN_EXPIRED',
      });
    } finally {
      ctx.server.clock.advance(-3600);
    }
  });

  it('closes 4400 when authorization is not a string', async () => {
    const client = await LiveClient.connect(ctx.server.url);
    expect(await client.init({ authorization: 42 })).toEqual({ code: 4400, reason: 'TOKEN_INVALID' });
  });

  it('closes 4403 SESSION_REVOKED for a token whose session was logged out', async () => {
    const user = await registerBearer(ctx.server.url);
    await gql(ctx.server.url, 'mutation { logout }', {}, { token: user.accessToken });
    const client = await LiveClient.connect(ctx.server.url);
    expect(await client.init({ authorization: `Bearer ${user.accessToken}` })).toEqual({
      code: 4403,
      reason: 'SESSION_REVOKED',
    });
  });
});

describe('anonymous sockets', () => {
  it('are accepted, but an @auth subscription answers UNAUTHENTICATED', async () => {
    const client = await openLive(ctx.server.url);
    client.subscribe('1', SESSION_EVENTS);
    const m = await client.message('1');
    expect(m.type).toBe('next');
    expect(m.payload?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await client.message('1', 1)).type).toBe('complete');
    await client.close();
  });

  it('are closed 4408 when connection_init does not come within the bound', async () => {
    const client = await LiveClient.connect(ctx.server.url);
    expect(await client.closed).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
  });

  it('only speak graphql-transport-ws: the legacy subprotocol is not agreed to', async () => {
    expect.assertions(1);
    await expect(LiveClient.connect(ctx.server.url, { protocol: 'graphql-ws' })).rejects.toThrow(
      'Server sent no subprotocol',
    );
  });

  it('serve subscriptions only: a query is answered with an error', async () => {
    const client = await openLive(ctx.server.url);
    client.subscribe('1', '{ me { id } }');
    const m = await client.message('1');
    expect(m.type).toBe('error');
    expect(m.payload).toEqual([expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } })]);
    await client.close();
  });

  it('are not served on another path', async () => {
    expect.assertions(1);
    await expect(LiveClient.connect(`${ctx.server.origin}/elsewhere`)).rejects.toMatchObject({ status: 404 });
  });
});

async function emailOf(userId: string): Promise<string | undefined> {
  const rows = await sql<{ email: string }>(ctx.db, 'select email from users where id = $1', [userId]);
  return rows[0]?.email;
}
