import type { Registry } from 'prom-client';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Em } from '../db/types.js';
import type { Logger } from '../logger.js';
import { createFileTransport } from './file-transport.js';
import { createMailSender } from './mail-sender.js';
import { mailMetrics } from './mail-metrics.js';
import { createMailWakeup } from './mail-wakeup.js';
import { createMailOutbox, type MailOutbox } from './outbox.js';
import { createSmtpTransport } from './smtp-transport.js';

/** This instance's mail: the outbox features write to, and the sender that delivers it. */
export interface Mail {
  readonly outbox: MailOutbox;
  /** Looks for due mail now; resolves once this instance finds none left it can claim (tests await delivery). */
  drain(): Promise<void>;
  /** Resolves once the pass under way, if any, has finished. */
  settled(): Promise<void>;
  /** Stops polling and listening, lets the send under way finish and hands unsent claimed mail back. */
  stop(): Promise<void>;
}

export interface StartMailOptions {
  /** Reads `mail` and `dataDir` (where the file transport writes without SMTP_URL). */
  readonly config: Pick<Config, 'mail' | 'dataDir'>;
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly audit: AuditLog;
  readonly metrics: { readonly registry: Registry };
}

/** Builds the outbox and starts this instance's sender (call after migrations: it reads `mail_outbox` at once). */
export async function startMail(options: StartMailOptions): Promise<Mail> {
  const { db, clock, logger } = options;
  const config = options.config.mail;
  const transport = config.smtpUrl
    ? createSmtpTransport(config.smtpUrl)
    : createFileTransport({ dataDir: options.config.dataDir, logger });
  const sender = createMailSender({
    fork: () => db.orm.em.fork() as Em,
    transport,
    from: config.from,
    clock,
    logger,
    audit: options.audit,
    retry: {
      baseSec: config.retryBaseSec,
      capSec: config.retryCapSec,
      maxAttempts: config.maxAttempts,
    },
    outcomes: mailMetrics(options.metrics.registry),
  });
  const wakeup = createMailWakeup({ target: db.target, logger, onMail: sender.wake });
  await wakeup.start();
  const poll = setInterval(() => {
    wakeup.check();
    sender.wake();
  }, config.pollIntervalSec * 1000);
  poll.unref();
  // Mail committed while no instance ran (or before a crash) is due now.
  sender.wake();
  logger.info({ transport: config.smtpUrl ? 'smtp' : 'files', from: config.from }, 'mail sender started');
  return {
    outbox: createMailOutbox({ clock, appUrl: config.appUrl }),
    drain: sender.drain,
    settled: sender.settled,
    async stop() {
      // The sender stops claiming at once (before anything here awaits); the send under way may still finish.
      const stopping = sender.stop();
      clearInterval(poll);
      await wakeup.stop();
      await stopping;
      transport.close();
    },
  };
}
