import { escapeHtml } from './escape-html.js';
import { htmlDocument, type RenderedMail } from './rendered-mail.js';

/** Sent after a reset, so that an owner who did not ask for it learns at once that the account was taken over. */
export function passwordResetNotice(): RenderedMail {
  const subject = 'Your password was reset';
  const lines = [
    'The password of your account was just reset, and every session of the account was signed out.',
    'If this was not you, reset your password again at once and contact support.',
  ];
  return {
    subject,
    text: `${lines.join('\n\n')}\n`,
    html: htmlDocument(escapeHtml(subject), lines.map(escapeHtml)),
  };
}
