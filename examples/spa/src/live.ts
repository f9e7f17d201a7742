import type { createClient as CreateClient } from 'graphql-ws';

/**
 * Where serve.mjs serves graphql-ws's browser ES module build (from node_modules; the page has no bundler). A
 * variable, so that tsc leaves the import alone: the types come from the package, the code from this URL.
 */
const GRAPHQL_WS_MODULE = '/vendor/graphql-ws.js';
/** The server closes a socket whose session ended (revoked, logged out, expired) with this code (README). */
const SESSION_ENDED = 4403;
const SESSION_EVENTS = 'subscription SessionEvents { sessionEvents { type sessionId at } }';

export interface SessionEvent {
  readonly type: string;
  readonly sessionId: string;
  readonly at: string;
}

export interface LiveHandlers {
  /** An account event of this user, from any of their devices. */
  onEvent(event: SessionEvent): void;
  /** This browser's session ended elsewhere (4403, or its own SESSION_REVOKED event): it is signed out here. */
  onSignedOut(): void;
  /** For tests and CSS: `connected` once the server acknowledged the socket, `off` when there is none. */
  onState(state: 'connecting' | 'connected' | 'off'): void;
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}

/**
 * One socket for one logged-in session: `sessionEvents` over graphql-ws on the API's own `/graphql`. The browser
 * sends the session cookie with the upgrade (this page's origin is on the API's allow-list); nothing else
 * authenticates it. Lost connections are retried by graphql-ws; an ended session never is.
 */
export function createLive(apiUrl: string, handlers: LiveHandlers) {
  let current: { sessionId: string; stop: () => void } | undefined;

  function stop(): void {
    const live = current;
    current = undefined;
    live?.stop();
    handlers.onState('off');
  }

  async function start(sessionId: string): Promise<void> {
    const { createClient } = (await import(GRAPHQL_WS_MODULE)) as { createClient: typeof CreateClient };
    if (current?.sessionId !== sessionId) return; // stopped (or replaced) while the module loaded
    let signedOut = false;
    const signOut = () => {
      if (signedOut || current?.sessionId !== sessionId) return;
      signedOut = true;
      stop();
      handlers.onSignedOut();
    };
    const client = createClient({
      url: apiUrl.replace(/^http/, 'ws'),
      shouldRetry: (event) => !(isCloseEvent(event) && event.code === SESSION_ENDED),
      on: {
        connecting: () => handlers.onState('connecting'),
        connected: () => handlers.onState('connected'),
        closed: (event) => {
          if (isCloseEvent(event) && event.code === SESSION_ENDED) signOut();
        },
      },
    });
    const unsubscribe = client.subscribe<{ sessionEvents: SessionEvent }>(
      { query: SESSION_EVENTS },
      {
        next: ({ data }) => {
          const event = data?.sessionEvents;
          if (!event) return;
          if (event.type === 'SESSION_REVOKED' && event.sessionId === sessionId) signOut();
          else handlers.onEvent(event);
        },
        // A close is handled above; anything else ends this subscription, and the page still works over HTTP.
        error: () => undefined,
        complete: () => undefined,
      },
    );
    current.stop = () => {
      unsubscribe();
      void client.dispose();
    };
  }

  return {
    /** Follows `sessionId` (this browser's session), or nothing when logged out; the same session keeps its socket. */
    follow(sessionId: string | undefined): void {
      if (current?.sessionId === sessionId) return;
      stop();
      if (!sessionId) return;
      current = { sessionId, stop: () => undefined };
      handlers.onState('connecting');
      void start(sessionId).catch(() => {
        if (current?.sessionId === sessionId) handlers.onState('off');
      });
    },
    /** Before this page ends its own session: the 4403 that follows is expected, not news. */
    stop,
  };
}
