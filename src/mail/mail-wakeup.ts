import pg from 'pg';
import type { DatabaseTarget } from '../db/orm-options.js';
import type { Logger } from '../logger.js';

/** The channel the `mail_outbox` insert trigger notifies at commit (Migration20261204100100). */
export const MAIL_CHANNEL = 'gatehouse_mail';

/** Wakes the sender when any instance commits a mail. */
export interface MailWakeup {
  start(): Promise<void>;
  /** Called on every poll: reconnects a lost PostgreSQL listener. */
  check(): void;
  stop(): Promise<void>;
}

/**
 * Listens for committed mail: a dedicated connection on PostgreSQL, the instance itself on PGlite. Losing the
 * channel only delays mail until the next poll, so a lost connection is simply reopened at the next poll.
 */
export function createMailWakeup(deps: {
  target: DatabaseTarget;
  logger: Logger;
  onMail: () => void;
}): MailWakeup {
  const { target, logger, onMail } = deps;
  if (target.kind === 'embedded') {
    let unlisten: (() => Promise<void>) | undefined;
    return {
      async start() {
        unlisten = await target.pglite.listen(MAIL_CHANNEL, onMail);
      },
      check() {},
      async stop() {
        await unlisten?.().catch(() => undefined);
      },
    };
  }

  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let stopped = false;
  const connect = async () => {
    const next = new pg.Client({ connectionString: target.url, application_name: 'gatehouse-mail' });
    next.on('error', (error) => {
      logger.warn({ errorClass: error.name }, 'mail wake-up channel lost; polling until it is back');
      if (client === next) client = undefined;
      next.end().catch(() => undefined);
    });
    next.on('notification', () => onMail());
    try {
      await next.connect();
      await next.query(`listen ${MAIL_CHANNEL}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (stopped) await next.end().catch(() => undefined);
    else client = next;
  };
  return {
    async start() {
      await connect();
    },
    check() {
      if (client || connecting || stopped) return;
      connecting = connect()
        .catch(() => undefined)
        .finally(() => (connecting = undefined));
    },
    async stop() {
      stopped = true;
      await connecting;
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
