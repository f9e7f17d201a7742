import { escapeHtml } from './escape-html.js';
import { htmlDocument, type RenderedMail } from './rendered-mail.js';

/**
 * Sent to the old address when a change is requested. It carries no link on purpose: whoever reads the old
 * mailbox must not be able to complete (or be phished into completing) the change from here.
 */
export function emailChangeNotice(params: { readonly newEmail: string }): RenderedMail {
  const subject = 'A change of your email address was requested';
  const notice =
    'If this was you, confirm it from the mail sent to the new address. If it was not you, change your password ' +
    'now: whoever asked knew it.';
  return {
    subject,
    text:
      `Someone asked to change the email address of your account to ${params.newEmail}.\n\n` + `${notice}\n`,
    html: htmlDocument(escapeHtml(subject), [
      `Someone asked to change the email address of your account to <b>${escapeHtml(params.newEmail)}</b>.`,
      escapeHtml(notice),
    ]),
  };
}
