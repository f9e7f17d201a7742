import type { PGlite } from '@electric-sql/pglite';
import type { Em } from '../db/types.js';
import { createListenConnection } from '../db/listen-connection.js';
import type { DatabaseTarget } from '../db/orm-options.js';
import type { Logger } from '../logger.js';

/** The PostgreSQL channel that carries subscription events between instances (session events, module events). */
export const LIVE_CHANNEL = 'gatehouse_live';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7900;

/** An event for the subscribers of `topic` (only those of `id`, when given), on every instance. */
export interface LiveMessage {
  readonly topic: string;
  readonly id?: string;
  readonly payload: Record<string, unknown>;
}

/** Publishes subscription events in the caller's transaction: they go out at commit, never for a rollback. */
export interface LivePublisher {
  publish(tx: Em, message: LiveMessage): Promise<void>;
}

/** NOTIFY on the live channel; an event too large for it is dropped with a warning, never failing the change. */
export function createLivePublisher(options: { readonly logger: Logger }): LivePublisher {
  return {
    async publish(tx, message) {
      const text = JSON.stringify(message);
      if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
        options.logger.warn({ topic: message.topic }, 'live event too large for NOTIFY; dropped');
        return;
      }
      await tx.execute('select pg_notify(?, ?)', [LIVE_CHANNEL, text]);
    },
  };
}

/** Parses a payload heard on the channel; null for anything that is not a LiveMessage. */
export function parseLiveMessage(payload: string | undefined): LiveMessage | null {
  try {
    const value = JSON.parse(payload ?? '') as Partial<LiveMessage>;
    if (typeof value.topic !== 'string' || typeof value.payload !== 'object' || value.payload === null)
      return null;
    if (value.id !== undefined && typeof value.id !== 'string') return null;
    return { topic: value.topic, id: value.id, payload: value.payload };
  } catch {
    return null;
  }
}

export interface LiveListener {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Hears the live channel: the instance itself on PGlite, a dedicated connection on PostgreSQL that reconnects
 * with backoff. Events sent while it is down are lost: they are notices; the closing of sockets whose session ended
 * travels on the invalidation channel, which has its own fallback.
 */
export function createLiveListener(
  target: DatabaseTarget,
  onMessage: (message: LiveMessage) => void,
  logger: Logger,
): LiveListener {
  const heard = (payload: string | undefined) => {
    const message = parseLiveMessage(payload);
    if (message) onMessage(message);
  };
  return target.kind === 'postgres'
    ? pgListener(target.url, heard, logger)
    : pgliteListener(target.pglite, heard);
}

function pgliteListener(pglite: PGlite, heard: (payload: string) => void): LiveListener {
  let unsubscribe: (() => Promise<void>) | undefined;
  return {
    async start() {
      unsubscribe = await pglite.listen(LIVE_CHANNEL, heard);
    },
    async stop() {
      await unsubscribe?.().catch(() => undefined);
    },
  };
}

function pgListener(url: string, heard: (payload: string | undefined) => void, logger: Logger): LiveListener {
  return createListenConnection({
    url,
    applicationName: 'gatehouse-live',
    channels: [LIVE_CHANNEL],
    lostMessage: 'live event channel lost; reconnecting',
    logger,
    onNotification: (message) => heard(message.payload),
  });
}
