import { escapeHtml } from './escape-html.js';
import { htmlDocument, type RenderedMail } from './rendered-mail.js';

/** The link that proves the address belongs to the account. */
export function verifyEmail(params: { readonly link: string }): RenderedMail {
  const subject = 'Confirm your email address';
  const link = escapeHtml(params.link);
  return {
    subject,
    text:
      `Please confirm your email address by opening this link:\n\n${params.link}\n\n` +
      `The link works once and expires. If you did not create an account, ignore this mail.\n`,
    html: htmlDocument(escapeHtml(subject), [
      'Please confirm your email address by opening this link:',
      `<a href="${link}">${link}</a>`,
      'The link works once and expires. If you did not create an account, ignore this mail.',
    ]),
  };
}
