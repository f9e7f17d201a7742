import { escapeHtml } from './escape-html.js';
import { htmlDocument, type RenderedMail, type TemplateContext } from './rendered-mail.js';

/**
 * Sent to the owner of an address someone tried to register again (REGISTRATION=verify-first): the answer to the
 * registrant reveals nothing, and the owner learns of it here, with the way back in if they forgot the password.
 */
export function registrationAttempt(context: TemplateContext): RenderedMail {
  const subject = 'Someone tried to register with your email address';
  const where = `If you forgot your password, use "Forgot password" at ${context.appUrl} to choose a new one.`;
  return {
    subject,
    text:
      `Someone tried to create an account with your email address, which already has one. ` +
      `No new account was created.\n\n${where}\nIf it was not you, you need not do anything.\n`,
    html: htmlDocument(escapeHtml(subject), [
      'Someone tried to create an account with your email address, which already has one. ' +
        'No new account was created.',
      `If you forgot your password, use "Forgot password" at <a href="${escapeHtml(context.appUrl)}">` +
        `${escapeHtml(context.appUrl)}</a> to choose a new one.`,
      'If it was not you, you need not do anything.',
    ]),
  };
}
