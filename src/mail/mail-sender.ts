import type { AuditLog, RequestMeta } from '../audit/audit-log.js';
import { AuditEventType } from '../audit/audit-event.entity.js';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import type { Logger } from '../logger.js';
import { claimDueMail, releaseMail, UNLOGGED, type ClaimedMail } from './claim-due-mail.js';
import { SEND_TIMEOUT_MS, type MailTransport } from './mail-transport.js';
import { retryDelaySec, type RetryPolicy } from './retry-delay.js';
import { classifySendFailure, type SendFailure } from './send-failure.js';

/** Mails claimed per statement: small, so a stopping instance hands little back and two instances share a burst. */
const BATCH = 10;

/** The sender's audit records come from no request. */
const SENDER_META: RequestMeta = { ip: null, userAgent: null, requestId: 'mail-sender' };

/** What happened to the mails a sender has looked at since it started (for metrics and logs). */
export interface SendOutcomes {
  sent(): void;
  retried(): void;
  failed(): void;
  /** The number of mails still pending in the outbox, after each pass. */
  pending(count: number): void;
}

/** Delivers the outbox: every instance runs one. */
export interface MailSender {
  /** Looks for due mail now (a commit was announced, or the poll interval passed). */
  wake(): void;
  /** Looks for due mail now and resolves once this instance finds none left that it can claim. */
  drain(): Promise<void>;
  /** Resolves once the pass under way (if any) has finished. */
  settled(): Promise<void>;
  /** Stops claiming, lets the send under way finish, and hands unsent claimed mail back. */
  stop(): Promise<void>;
}

export interface MailSenderDeps {
  readonly fork: () => Em;
  readonly transport: MailTransport;
  readonly from: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly audit: AuditLog;
  readonly retry: RetryPolicy & { readonly maxAttempts: number };
  readonly outcomes: SendOutcomes;
  readonly random?: () => number;
}

/** The sender loop: claim due mail, send it, record the outcome; one pass at a time per instance. */
export function createMailSender(deps: MailSenderDeps): MailSender {
  const { fork, transport, clock, logger, audit, retry, outcomes } = deps;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const send = (mail: ClaimedMail) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error('send timed out'), { code: 'ETIMEDOUT' })),
        SEND_TIMEOUT_MS,
      );
    });
    const sending = transport.send({
      id: mail.id,
      from: deps.from,
      to: mail.recipient,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    });
    return Promise.race([sending, timeout]).finally(() => clearTimeout(timer));
  };

  // Sent: the bodies (single-use links) go; what was sent to whom and when stays. `attempts` is the lease's
  // token: if it moved, another sender took the mail over after this lease lapsed.
  const markSent = async (mail: ClaimedMail) => {
    const updated = await fork().execute(
      `update "mail_outbox" set "status" = 'SENT', "sent_at" = ?, "text_body" = null, "html_body" = null,
         "leased_until" = null, "last_error" = null
       where "id" = ? and "attempts" = ? and "status" = 'PENDING'
       returning "id"`,
      [clock.now(), mail.id, mail.attempt],
      'all',
      UNLOGGED,
    );
    if (updated.length === 0) logger.warn({ mailId: mail.id }, 'mail sent after its lease lapsed');
    outcomes.sent();
  };

  const markFailed = async (mail: ClaimedMail, failure: SendFailure) => {
    const giveUp = failure.permanent || mail.attempt >= retry.maxAttempts;
    const now = clock.now();
    if (!giveUp) {
      const dueAt = new Date(now.getTime() + retryDelaySec(mail.attempt, retry, deps.random) * 1000);
      await fork().execute(
        `update "mail_outbox" set "due_at" = ?, "leased_until" = null, "last_error" = ?
         where "id" = ? and "attempts" = ? and "status" = 'PENDING'`,
        [dueAt, failure.errorClass, mail.id, mail.attempt],
        'all',
        UNLOGGED,
      );
      logger.warn(
        { mailId: mail.id, attempt: mail.attempt, errorClass: failure.errorClass, retryAt: dueAt },
        'mail not sent; will retry',
      );
      outcomes.retried();
      return;
    }
    // Given up: the bodies go as for a sent mail, and the giving-up is audited with the row's change.
    await fork().transactional(async (tx) => {
      await tx.execute(
        `update "mail_outbox" set "status" = 'FAILED', "failed_at" = ?, "text_body" = null, "html_body" = null,
           "leased_until" = null, "last_error" = ?
         where "id" = ? and "attempts" = ? and "status" = 'PENDING'`,
        [now, failure.errorClass, mail.id, mail.attempt],
        'all',
        UNLOGGED,
      );
      await audit.record(
        tx,
        {
          type: AuditEventType.MAIL_FAILED,
          userId: mail.userId,
          details: {
            mailId: mail.id,
            template: mail.template,
            attempts: mail.attempt,
            lastError: failure.errorClass,
            permanent: failure.permanent,
          },
        },
        SENDER_META,
      );
    });
    logger.error(
      { mailId: mail.id, attempts: mail.attempt, errorClass: failure.errorClass },
      'mail given up',
    );
    outcomes.failed();
  };

  /** One claim and its sends; returns how many mails were claimed. */
  const pass = async (): Promise<number> => {
    const claimed = await claimDueMail(fork(), clock.now(), BATCH);
    if (claimed.length > 0) logger.debug({ mails: claimed.length }, 'mail claimed');
    for (const [i, mail] of claimed.entries()) {
      if (stopped) {
        await releaseMail(fork(), claimed.slice(i));
        break;
      }
      try {
        await send(mail);
      } catch (error) {
        await markFailed(mail, classifySendFailure(error));
        continue;
      }
      await markSent(mail);
    }
    return claimed.length;
  };

  const countPending = async () => {
    const [row] = await fork().execute<{ n: number }[]>(
      `select count(*)::int as n from "mail_outbox" where "status" = 'PENDING'`,
      [],
      'all',
      UNLOGGED,
    );
    outcomes.pending(Number(row?.n ?? 0));
  };

  const loop = async () => {
    while (again && !stopped) {
      again = false;
      try {
        // A full batch may have left more behind: look again at once.
        if ((await pass()) === BATCH) again = true;
      } catch (error) {
        logger.error({ err: error }, 'mail sender pass failed');
      }
    }
    await countPending().catch(() => undefined);
  };

  const wake = () => {
    if (stopped) return;
    again = true;
    running ??= loop().finally(() => {
      running = undefined;
      // A wake-up that arrived while the loop was finishing must not be lost.
      if (again) wake();
    });
  };

  const settled = async () => {
    while (running) await running;
  };

  return {
    wake,
    async drain() {
      wake();
      await settled();
    },
    settled,
    async stop() {
      stopped = true;
      await settled();
    },
  };
}
