import WebSocket from 'ws';

/** A graphql-transport-ws message as the server sends it. */
export interface LiveMessage {
  readonly type: string;
  readonly id?: string;
  readonly payload?: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string; reason?: string } }[];
  } & Record<string, unknown>;
}

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export interface LiveConnectOptions {
  readonly cookie?: string;
  readonly origin?: string;
  readonly protocol?: string;
  readonly headers?: Record<string, string>;
}

/**
 * A raw graphql-transport-ws client for tests: every message is kept, and each wait resolves on the event itself
 * (a message, the close), never on a timer.
 */
export class LiveClient {
  readonly messages: LiveMessage[] = [];
  readonly closed: Promise<Closed>;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wakeAll();
      }),
    );
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as LiveMessage);
      this.wakeAll();
    });
  }

  /** Opens a socket to `url` (http:// is turned into ws://); rejects with the HTTP status when the upgrade is refused. */
  static connect(url: string, options: LiveConnectOptions = {}): Promise<LiveClient> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.cookie) headers.cookie = options.cookie;
    if (options.origin) headers.origin = options.origin;
    const ws = new WebSocket(url.replace(/^http/, 'ws'), options.protocol ?? 'graphql-transport-ws', {
      headers,
    });
    const client = new LiveClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        reject(new RefusedUpgrade(res.statusCode ?? 0));
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Sends connection_init; resolves with the ack, or with how the socket closed instead. */
  async init(payload?: Record<string, unknown>): Promise<'ack' | Closed> {
    this.send(payload === undefined ? { type: 'connection_init' } : { type: 'connection_init', payload });
    const result = await Promise.race([this.waitFor((m) => m.type === 'connection_ack'), this.closed]);
    return 'type' in result ? 'ack' : result;
  }

  subscribe(id: string, query: string, variables: Record<string, unknown> = {}): void {
    this.send({ id, type: 'subscribe', payload: { query, variables } });
  }

  /** The next message for `id` after the `seen` first ones (a `next`, `error` or `complete`); rejects on close. */
  message(id: string, seen = 0): Promise<LiveMessage> {
    return this.until(() => this.of(id)[seen], true);
  }

  /** Every message received so far for `id`. */
  of(id: string): LiveMessage[] {
    return this.messages.filter((m) => m.id === id);
  }

  /** Resolves with the first message (from the start) that `match` accepts. */
  waitFor(match: (message: LiveMessage) => boolean, failOnClose = false): Promise<LiveMessage> {
    return this.until(() => this.messages.find(match), failOnClose);
  }

  /** Resolves with what `probe` finds, checked again at every message and at the close. */
  until<T>(probe: () => T | undefined, failOnClose = false): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = probe();
        if (found !== undefined) return finish(() => resolve(found));
        if (failOnClose && this.ws.readyState === WebSocket.CLOSED)
          finish(() => reject(new Error('socket closed before the message came')));
      };
      const finish = (settle: () => void) => {
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  close(): Promise<Closed> {
    this.ws.close();
    return this.closed;
  }

  private wakeAll(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

export class RefusedUpgrade extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}

/** An authenticated socket: connected and acknowledged, or the test fails. */
export async function openLive(url: string, init?: Record<string, unknown>, options?: LiveConnectOptions) {
  const client = await LiveClient.connect(url, options);
  const result = await client.init(init);
  if (result !== 'ack') throw new Error(`connection_init refused: ${result.code} ${result.reason}`);
  return client;
}

export const SESSION_EVENTS = 'subscription { sessionEvents { type sessionId at } }';
