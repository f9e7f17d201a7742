import pg from 'pg';
import type { Logger } from '../logger.js';

/** The connection a notification arrived on, for answering on it (a confirmation) while it is still the one. */
export interface ListeningConnection {
  /** Runs `sql` on this connection; does nothing once it has been replaced, and treats a failure as a loss. */
  query(sql: string, params: readonly unknown[]): void;
}

export interface ListenConnectionOptions {
  readonly url: string;
  /** How the connection shows in pg_stat_activity. */
  readonly applicationName: string;
  readonly channels: readonly string[];
  /** Logged (with why) each time the connection is lost, before reconnecting. */
  readonly lostMessage: string;
  readonly logger: Logger;
  onNotification(message: pg.Notification, connection: ListeningConnection): void;
  /** true once LISTEN has succeeded, false when the connection is lost (or stopped): notifications may be missed. */
  onHealth?(healthy: boolean): void;
  /** Probes the connection this often, so a silently dead TCP connection counts as lost; no probe when unset. */
  readonly pingIntervalMs?: number;
}

export interface ListenConnection {
  start(): Promise<void>;
  stop(): Promise<void>;
}

const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 2000;

/**
 * A dedicated PostgreSQL connection that LISTENs on `channels` and comes back by itself: a lost connection is
 * ended, reported and reconnected with backoff (50 ms doubling to 2 s) until `stop()`. What a channel means, and
 * what its loss costs, is the caller's: the invalidation listener distrusts its cache, the live channel only logs.
 */
export function createListenConnection(options: ListenConnectionOptions): ListenConnection {
  const { url, applicationName, channels, lostMessage, logger, pingIntervalMs } = options;
  let client: pg.Client | undefined;
  let stopped = false;
  let backoff = FIRST_BACKOFF_MS;
  let retry: NodeJS.Timeout | undefined;
  let ping: NodeJS.Timeout | undefined;

  /** Drops the current connection (reconnecting unless stopped); resolves once it has ended. */
  const lost = (why: string): Promise<void> => {
    const dead = client;
    if (!dead) return Promise.resolve();
    client = undefined;
    clearInterval(ping);
    options.onHealth?.(false);
    dead.removeAllListeners();
    dead.on('error', () => undefined);
    const ended = dead.end().catch(() => undefined);
    if (stopped) return ended;
    logger.warn({ why }, lostMessage);
    retry = setTimeout(() => void connect(), backoff);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    return ended;
  };

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, application_name: applicationName, keepAlive: true });
    const connection: ListeningConnection = {
      query(sql, params) {
        if (client !== c) return;
        c.query(sql, [...params]).catch((error: Error) => {
          if (client === c) void lost(`query failed: ${error.message}`);
        });
      },
    };
    c.on('error', (error) => void lost(error.message));
    c.on('end', () => void lost('connection ended'));
    c.on('notification', (message) => {
      if (channels.includes(message.channel)) options.onNotification(message, connection);
    });
    try {
      client = c;
      await c.connect();
      await c.query(channels.map((channel) => `LISTEN ${channel}`).join('; '));
      if (stopped || client !== c) return;
      backoff = FIRST_BACKOFF_MS;
      if (pingIntervalMs !== undefined) {
        ping = setInterval(() => connection.query('select 1', []), pingIntervalMs);
        ping.unref();
      }
      options.onHealth?.(true);
    } catch (error) {
      void lost((error as Error).message);
    }
  };

  return {
    async start() {
      stopped = false;
      await connect();
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await lost('stopped');
    },
  };
}
