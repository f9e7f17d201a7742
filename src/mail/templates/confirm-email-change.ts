import { escapeHtml } from './escape-html.js';
import { htmlDocument, type RenderedMail } from './rendered-mail.js';

/** Sent to the new address: following the link moves the account to it. */
export function confirmEmailChange(params: {
  readonly link: string;
  readonly newEmail: string;
}): RenderedMail {
  const subject = 'Confirm your new email address';
  const link = escapeHtml(params.link);
  return {
    subject,
    text:
      `Someone asked to use ${params.newEmail} as the email address of their account. ` +
      `To confirm the change, open this link:\n\n${params.link}\n\n` +
      `The link works once and expires. If you did not ask for it, ignore this mail.\n`,
    html: htmlDocument(escapeHtml(subject), [
      `Someone asked to use <b>${escapeHtml(params.newEmail)}</b> as the email address of their account. ` +
        'To confirm the change, open this link:',
      `<a href="${link}">${link}</a>`,
      'The link works once and expires. If you did not ask for it, ignore this mail.',
    ]),
  };
}
