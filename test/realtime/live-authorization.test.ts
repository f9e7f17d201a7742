import { gql } from '../support/client.js';
import { withClockAdvanced } from '../support/clock.js';
import { openLive, SESSION_EVENTS, type LiveClient } from '../support/live.js';
import { useTestServer } from '../support/server.js';
import {
  loginBearer,
  loginCookie,
  makeAdmin,
  PASSWORD,
  registerBearer,
  type BearerLogin,
} from '../support/users.js';
import { SESSION_EVENTS as SESSION_TOPIC } from '../../src/realtime/session-events.js';
import { feedModule, POST_FEED } from './feed-module.js';

/*
 * DESIGN §6.3, authorization that stays live: a socket lives exactly as long as its session (revoked, logged out,
 * logged out everywhere, password changed, expired → 4403 with the reason), and @auth is applied at subscribe and
 * again for every event (a role lost meanwhile completes the subscription with FORBIDDEN; the socket stays).
 */

const IDLE_TTL = 3600;
const ctx = useTestServer({ env: { SESSION_IDLE_TTL: String(IDLE_TTL) }, modules: [feedModule] });
const ADMIN_FEED = 'subscription { adminFeed }';

function bearerSocket(login: BearerLogin): Promise<LiveClient> {
  return openLive(ctx.server.url, { authorization: `Bearer ${login.accessToken}` });
}

async function admin(): Promise<BearerLogin> {
  const user = await registerBearer(ctx.server.url);
  await makeAdmin(ctx.db, user.userId);
  return loginBearer(ctx.server.url, user.email);
}

describe('a socket is closed with its session', () => {
  it('when the session is revoked from another device: 4403 SESSION_REVOKED', async () => {
    const user = await registerBearer(ctx.server.url);
    const other = await loginBearer(ctx.server.url, user.email);
    const socket = await bearerSocket(user);
    const res = await gql(
      ctx.server.url,
      'mutation($id: ID!) { revokeSession(id: $id) }',
      { id: user.sessionId },
      {
        token: other.accessToken,
      },
    );
    expect(res.body.data).toEqual({ revokeSession: true });
    expect(await socket.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
  });

  it('when it logs out (cookie socket): 4403 SESSION_REVOKED', async () => {
    const user = await registerBearer(ctx.server.url);
    const { jar } = await loginCookie(ctx.server.url, user.email);
    const socket = await openLive(ctx.server.url, undefined, {
      cookie: jar.header(),
      origin: 'http://localhost:3000',
    });
    await gql(
      ctx.server.url,
      'mutation { logout }',
      {},
      { jar, headers: { origin: 'http://localhost:3000' } },
    );
    expect(await socket.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
  });

  it('when the user logs out everywhere: every socket of every session', async () => {
    const user = await registerBearer(ctx.server.url);
    const second = await loginBearer(ctx.server.url, user.email);
    const sockets = [await bearerSocket(user), await bearerSocket(user), await bearerSocket(second)];
    await gql(ctx.server.url, 'mutation { logoutAll }', {}, { token: second.accessToken });
    for (const socket of sockets)
      expect(await socket.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
  });

  it("when the password changes: the other devices' sockets and the caller's own", async () => {
    const user = await registerBearer(ctx.server.url);
    const other = await loginBearer(ctx.server.url, user.email);
    const own = await bearerSocket(user);
    const elsewhere = await bearerSocket(other);
    const res = await gql(
      ctx.server.url,
      'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }',
      { c: PASSWORD, n: 'another long passphrase 2' },
      { token: user.accessToken },
    );
    expect(res.body.data).toEqual({ changePassword: true });
    expect(await elsewhere.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
    expect(await own.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
  });

  it('when the session expires (idle): 4403 SESSION_EXPIRED, by its own timer', async () => {
    const user = await registerBearer(ctx.server.url);
    const socket = await bearerSocket(user);
    socket.subscribe('1', SESSION_EVENTS);
    const closed = await withClockAdvanced(ctx.server.clock, IDLE_TTL + 1, () => socket.closed);
    expect(closed).toEqual({ code: 4403, reason: 'SESSION_EXPIRED' });
  });

  it("but not when the access token expires: the session decides, not the token's exp", async () => {
    const user = await registerBearer(ctx.server.url);
    const socket = await bearerSocket(user);
    socket.subscribe('1', SESSION_EVENTS);
    await ctx.server.app.live.events.pubSub.subscribed(SESSION_TOPIC, user.userId);
    // 20 minutes: past the 15-minute token, well inside the one-hour idle bound.
    await withClockAdvanced(ctx.server.clock, 20 * 60, async () => {
      await loginBearer(ctx.server.url, user.email);
      expect((await socket.message('1')).payload?.data).toEqual({
        sessionEvents: expect.objectContaining({ type: 'SESSION_STARTED' }),
      });
    });
    await socket.close();
  });
});

describe('@auth on subscription fields', () => {
  it('refuses an ADMIN field to a plain user at subscribe: FORBIDDEN MISSING_ROLE, then complete', async () => {
    const socket = await bearerSocket(await registerBearer(ctx.server.url));
    socket.subscribe('1', ADMIN_FEED);
    const m = await socket.message('1');
    expect(m.payload?.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'MISSING_ROLE' });
    expect((await socket.message('1', 1)).type).toBe('complete');
    await socket.close();
  });

  it('delivers it to an ADMIN', async () => {
    const boss = await admin();
    const socket = await bearerSocket(boss);
    socket.subscribe('1', ADMIN_FEED);
    await publishAndHear(socket, '1', boss, 'ADMIN_FEED');
    await socket.close();
  });

  it('completes the subscription with FORBIDDEN when the role is lost meanwhile; the socket stays', async () => {
    const boss = await admin();
    const other = await admin();
    const socket = await bearerSocket(boss);
    socket.subscribe('feed', ADMIN_FEED);
    socket.subscribe('events', SESSION_EVENTS);
    await ctx.server.app.live.events.pubSub.subscribed(SESSION_TOPIC, boss.userId);
    await publishAndHear(socket, 'feed', boss, 'ADMIN_FEED');
    const res = await gql(
      ctx.server.url,
      'mutation($id: ID!) { setUserRoles(userId: $id, roles: [USER]) { roles } }',
      { id: boss.userId },
      { token: other.accessToken },
    );
    expect(res.body.data).toEqual({ setUserRoles: { roles: ['USER'] } });
    const denied = await socket.until(() =>
      socket.of('feed').find((m) => m.type === 'next' && m.payload?.errors !== undefined),
    );
    expect(denied.payload?.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'MISSING_ROLE',
    });
    await socket.until(() => socket.of('feed').find((m) => m.type === 'complete'));
    // The socket and its other subscription live on, and heard why.
    const event = await socket.until(() =>
      socket
        .of('events')
        .find((m) => (m.payload?.data?.sessionEvents as { type?: string })?.type === 'ROLES_CHANGED'),
    );
    expect(event.payload?.data?.sessionEvents).toMatchObject({ type: 'ROLES_CHANGED', sessionId: null });
    await socket.close();
  });
});

/** Publishes on `topic` once the server listens there, and waits for subscription `id` to hear it. */
async function publishAndHear(
  socket: LiveClient,
  id: string,
  who: BearerLogin,
  topic: string,
): Promise<void> {
  await ctx.server.app.live.events.pubSub.subscribed(topic);
  const seen = socket.of(id).length;
  await gql(ctx.server.url, POST_FEED, { topic, text: 'hello' }, { token: who.accessToken });
  expect((await socket.message(id, seen)).payload?.data).toEqual({ adminFeed: 'hello' });
}
