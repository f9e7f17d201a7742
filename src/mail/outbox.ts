import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import { MailMessage } from './mail-message.entity.js';
import { renderMail, type MailTemplate } from './templates/render.js';

export type { MailTemplate } from './templates/render.js';

/** One mail to send, as a use case asks for it. */
export interface MailRequest {
  readonly to: string;
  readonly template: MailTemplate;
  readonly params: Readonly<Record<string, string>>;
  readonly userId?: string | null;
}

/** The only way a feature sends mail. */
export interface MailOutbox {
  /** Renders the mail and persists it with the caller's EntityManager: it commits or rolls back with the change. */
  enqueue(em: Em, mail: MailRequest): void;
}

/**
 * The outbox writer. Rendering happens here, inside the caller's transaction, so the stored row is exactly what
 * will be sent and a template error fails the change instead of losing its mail. The row is only persisted: the
 * caller's commit flushes it, and the `mail_outbox` insert trigger's NOTIFY (delivered at commit only) wakes the
 * senders; a rolled-back change leaves neither row nor notification.
 */
export function createMailOutbox(deps: { clock: Clock; appUrl: string }): MailOutbox {
  const { clock, appUrl } = deps;
  return {
    enqueue(em, mail) {
      const rendered = renderMail(mail.template, mail.params, { appUrl });
      const now = clock.now();
      em.persist(
        em.create(MailMessage, {
          recipient: mail.to,
          template: mail.template,
          subject: rendered.subject,
          textBody: rendered.text,
          htmlBody: rendered.html,
          userId: mail.userId ?? null,
          dueAt: now,
          createdAt: now,
        }),
      );
    },
  };
}

/**
 * The link a mail carries: `APP_URL/<page>?token=…`, keeping any path prefix of APP_URL
 * (`https://example.com/app` → `https://example.com/app/reset-password?token=…`). The token travels in the query
 * string only.
 */
export function linkTo(
  appUrl: string,
  page: 'verify-email' | 'reset-password' | 'confirm-email',
  token: string,
): string {
  const url = new URL(appUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${page}`;
  url.search = '';
  url.hash = '';
  url.searchParams.set('token', token);
  return url.toString();
}
