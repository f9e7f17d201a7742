import { escapeHtml } from './escape-html.js';
import { htmlDocument, type RenderedMail } from './rendered-mail.js';

/** The link that lets the owner of the address choose a new password. */
export function resetPassword(params: { readonly link: string }): RenderedMail {
  const subject = 'Reset your password';
  const link = escapeHtml(params.link);
  return {
    subject,
    text:
      `Someone asked to reset the password of your account. To choose a new password, open this link:\n\n` +
      `${params.link}\n\nThe link works once and expires soon. If you did not ask for it, ignore this mail: ` +
      `your password stays as it is.\n`,
    html: htmlDocument(escapeHtml(subject), [
      'Someone asked to reset the password of your account. To choose a new password, open this link:',
      `<a href="${link}">${link}</a>`,
      'The link works once and expires soon. If you did not ask for it, ignore this mail: your password stays as it is.',
    ]),
  };
}
