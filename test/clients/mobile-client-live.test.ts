import WebSocket from 'ws';
import { LoginRequiredError, MobileClient, type Tokens } from '../../examples/mobile-client.js';
import { SESSION_EVENTS } from '../../src/realtime/session-events.js';
import { gql } from '../support/client.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { loginBearer, PASSWORD, registerBearer } from '../support/users.js';

/*
 * The mobile example's live subscription (graphql-ws over `ws`, the access token in connection_init): a socket
 * that drops after the access token expired reconnects, is refused 4401 TOKEN_EXPIRED, refreshes the pair once and
 * keeps receiving events; a session ended elsewhere (4403) means logging in again.
 */

let db: TestDatabase;
let server: TestServer;
// Access tokens live 60 s and are verified with 30 s of clock tolerance: 95 s on the server's clock expires them.
const EXPIRE = 95;
const QUERY = 'subscription { sessionEvents { type sessionId } }';

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer(db, { env: { ACCESS_TOKEN_TTL: '60s' } });
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

type Event = { sessionEvents: { type: string; sessionId: string } };

/** The `ws` WebSocket, with every socket the client opens kept: the test can cut one (a network drop) and see how each closed. */
function trackedWebSocket(changed: () => void) {
  const sockets: { ws: WebSocket; closed: Promise<{ code: number; reason: string }> }[] = [];
  class Tracked extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        this.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      sockets.push({ ws: this, closed });
      changed();
    }
  }
  return { Tracked, sockets };
}

/** A logged-in client subscribed to sessionEvents; each event and each end is queued, and awaited as it comes. */
async function subscribedClient() {
  const { email, userId } = await registerBearer(server.url);
  const waiters: (() => void)[] = [];
  /** Something the test may wait for happened: an event, an end, new tokens, a new socket. */
  const wake = () => waiters.splice(0).forEach((w) => w());
  const { Tracked, sockets } = trackedWebSocket(wake);
  const tokens: (Tokens | null)[] = [];
  const loginRequired: string[] = [];
  const client = new MobileClient({
    url: server.url,
    fetch,
    webSocketImpl: Tracked,
    retryWait: () => Promise.resolve(), // reconnect at once: the test waits for events, never for time
    onTokens: (t) => {
      tokens.push(t);
      wake();
    },
    onLoginRequired: (reason) => loginRequired.push(reason),
  });
  await client.login(email, PASSWORD);
  const events: Event[] = [];
  let ended: unknown;
  const stop = client.subscribe<Event>(
    QUERY,
    {},
    {
      next: (data) => {
        events.push(data);
        wake();
      },
      error: (error) => {
        ended = error;
        wake();
      },
    },
  );
  /** Resolves when `probe` finds something, checked again whenever something happens; rejects once it ended. */
  const until = <T>(probe: () => T | undefined): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = probe();
        if (found !== undefined) resolve(found);
        else if (ended !== undefined)
          reject(ended); // the subscription gave up: what was awaited never comes
        else waiters.push(check);
      };
      check();
    });
  await server.app.live.events.pubSub.subscribed(SESSION_EVENTS, userId);
  return { client, email, userId, sockets, tokens, loginRequired, events, until, ended: () => ended, stop };
}

describe('the mobile client, live', () => {
  it('reconnects after the access token expired: one refresh on 4401 TOKEN_EXPIRED, and the events keep coming', async () => {
    const live = await subscribedClient();
    const tablet = await loginBearer(server.url, live.email);
    expect(await live.until(() => live.events[0])).toEqual({
      sessionEvents: { type: 'SESSION_STARTED', sessionId: tablet.sessionId },
    });

    // The open socket outlives its access token (the session decides); a dropped one must reconnect.
    server.clock.advance(EXPIRE);
    live.sockets[0]!.ws.terminate(); // the network drops (a phone going from Wi-Fi to cellular)
    await live.until(() => (live.tokens.length === 2 ? true : undefined));
    await live.until(() => live.sockets[2]);
    await server.app.live.events.pubSub.subscribed(SESSION_EVENTS, live.userId);

    const phone = await loginBearer(server.url, live.email);
    expect(await live.until(() => live.events[1])).toEqual({
      sessionEvents: { type: 'SESSION_STARTED', sessionId: phone.sessionId },
    });
    // Connected, refused with the expired token, connected with the refreshed one.
    expect(live.sockets).toHaveLength(3);
    expect(await live.sockets[1]!.closed).toEqual({ code: 4401, reason: 'TOKEN_EXPIRED' });
    expect(live.tokens[1]?.accessToken).not.toBe(live.tokens[0]?.accessToken);
    expect(live.loginRequired).toEqual([]);
    expect(live.ended()).toBeUndefined();
    live.stop();
  });

  it('asks for a login when the session is ended elsewhere (4403), and does not reconnect', async () => {
    const live = await subscribedClient();
    const laptop = await loginBearer(server.url, live.email);
    await live.until(() => live.events[0]);
    await gql(server.url, 'mutation { logoutAll }', {}, { token: laptop.accessToken });

    const ended = await live.until(() => live.ended());
    expect(ended).toBeInstanceOf(LoginRequiredError);
    expect(ended).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });
    expect(live.loginRequired).toEqual(['SESSION_REVOKED']);
    expect(live.client.loggedIn).toBe(false);
    expect(await live.sockets[0]!.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
    expect(live.sockets).toHaveLength(1);
  });
});
