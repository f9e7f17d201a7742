import type { PGlite } from '@electric-sql/pglite';
import type { Em } from '../db/types.js';
import { createListenConnection } from '../db/listen-connection.js';
import type { Logger } from '../logger.js';
import type { DatabaseTarget } from '../db/orm-options.js';

/** The PostgreSQL channel on which session revocations and role changes are announced to every instance. */
export const INVALIDATION_CHANNEL = 'gatehouse_session_invalidation';

export type Invalidation =
  { readonly kind: 'session'; readonly id: string } | { readonly kind: 'user'; readonly id: string };

/**
 * Where each instance confirms, from its listening connection, an announcement it has heard and evicted: the
 * payload is the announcement's own, and PostgreSQL stamps the notification with the confirming backend's pid.
 */
export const CONFIRMATION_CHANNEL = 'gatehouse_session_invalidation_ack';

/** An announcement as it went out, and the listeners that were there to hear it. */
export interface Announced {
  /** The payload sent (`s:<id>:<ms>`): what the listeners confirm. */
  readonly payload: string;
  /** The backend pids of the instances' listening connections at that moment (none on the embedded database). */
  readonly listeners: readonly number[];
}

/**
 * Announces an invalidation inside the caller's transaction: PostgreSQL delivers NOTIFY only on commit, so no
 * instance hears of a change that was rolled back, and none hears of it before it is visible. The payload ends
 * with the database's clock in epoch milliseconds (`s:<id>:<ms>`), the last statement before the commit: every
 * announcer shares that one clock, and a listener measures propagation against it.
 */
export async function announce(em: Em, invalidation: Invalidation): Promise<Announced> {
  const prefix = `${invalidation.kind === 'session' ? 's' : 'u'}:${invalidation.id}`;
  const [row] = await em.execute<{ payload: string; listeners: number[] }[]>(
    `with announced as (
       select ?::text || ':' || floor(extract(epoch from clock_timestamp()) * 1000)::bigint::text as payload
     )
     select pg_notify(?, payload), payload,
            array(select pid from pg_stat_activity
                   where application_name = ? and datname = current_database()) as listeners
       from announced`,
    [prefix, INVALIDATION_CHANNEL, LISTENER_APPLICATION_NAME],
  );
  return { payload: row!.payload, listeners: row!.listeners };
}

/** A payload heard on the channel; `sentAt` (epoch ms) is absent from the SQL triggers' `s:<id>` / `u:<id>`. */
export interface Heard {
  /** The payload as heard: announce() expects it back as a confirmation. */
  readonly payload: string;
  readonly invalidation: Invalidation;
  readonly sentAt: number | undefined;
}

/** Parses `s:<id>`, `u:<id>`, optionally followed by `:<epoch ms>`; null for anything else. */
export function parseInvalidation(payload: string | undefined): Heard | null {
  const match = /^([su]):([0-9a-f-]{36})(?::(\d{1,15}))?$/.exec(payload ?? '');
  if (!match) return null;
  return {
    payload: payload!,
    invalidation: { kind: match[1] === 's' ? 'session' : 'user', id: match[2]! },
    sentAt: match[3] === undefined ? undefined : Number(match[3]),
  };
}

export interface ListenerHandlers {
  /**
   * `sentAt`: when the announcing transaction stamped it (database clock, epoch ms), if it did. `confirm` tells
   * the announcer this instance has evicted it: call it once the cache can no longer serve the old state.
   */
  onInvalidation(invalidation: Invalidation, sentAt: number | undefined, confirm: () => void): void;
  /** Another (or this) instance's listener `pid` has evicted the announcement `payload`. */
  onConfirmation(payload: string, pid: number): void;
  /** false when the channel is down (invalidations may be missed), true once it listens again. */
  onHealth(healthy: boolean): void;
}

export interface InvalidationListener {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Listens on the database the app uses: a dedicated connection on PostgreSQL, the instance itself on PGlite. */
export function createInvalidationListener(
  target: DatabaseTarget,
  handlers: ListenerHandlers,
  logger: Logger,
): InvalidationListener {
  return target.kind === 'postgres'
    ? createPgListener(target.url, handlers, logger)
    : createPgliteListener(target.pglite, handlers);
}

function createPgliteListener(pglite: PGlite, handlers: ListenerHandlers): InvalidationListener {
  let unsubscribe: (() => Promise<void>) | undefined;
  return {
    async start() {
      unsubscribe = await pglite.listen(INVALIDATION_CHANNEL, (payload) => {
        const heard = parseInvalidation(payload);
        // Nobody waits for a confirmation here: announce() finds no listening connections on PGlite.
        if (heard) handlers.onInvalidation(heard.invalidation, heard.sentAt, () => undefined);
      });
      // In-process: the channel cannot drop while the database is open.
      handlers.onHealth(true);
    },
    async stop() {
      handlers.onHealth(false);
      await unsubscribe?.().catch(() => undefined);
    },
  };
}

/** How the listening connections show in pg_stat_activity: announce() counts them there. */
const LISTENER_APPLICATION_NAME = 'gatehouse-listener';

/** A dead TCP connection sends no error: the listener probes it this often and counts a failed probe as a loss. */
const PING_INTERVAL_MS = 5000;

function createPgListener(url: string, handlers: ListenerHandlers, logger: Logger): InvalidationListener {
  return createListenConnection({
    url,
    applicationName: LISTENER_APPLICATION_NAME,
    channels: [INVALIDATION_CHANNEL, CONFIRMATION_CHANNEL],
    lostMessage: 'session invalidation channel lost; checking sessions in the database until it is back',
    logger,
    pingIntervalMs: PING_INTERVAL_MS,
    onHealth: (healthy) => handlers.onHealth(healthy),
    onNotification(message, connection) {
      if (message.channel === CONFIRMATION_CHANNEL) {
        if (message.payload) handlers.onConfirmation(message.payload, message.processId);
        return;
      }
      const heard = parseInvalidation(message.payload);
      if (!heard) return;
      handlers.onInvalidation(heard.invalidation, heard.sentAt, () => {
        // Only stamped payloads come from announce(), which waits for confirmations; a trigger's bare `s:<id>`
        // has nobody waiting for it.
        if (heard.sentAt !== undefined)
          connection.query('select pg_notify($1, $2)', [CONFIRMATION_CHANNEL, heard.payload]);
      });
    },
  });
}
