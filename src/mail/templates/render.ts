import { confirmEmailChange } from './confirm-email-change.js';
import { emailChangeNotice } from './email-change-notice.js';
import { passwordResetNotice } from './password-reset-notice.js';
import { registrationAttempt } from './registration-attempt.js';
import type { RenderedMail, TemplateContext } from './rendered-mail.js';
import { resetPassword } from './reset-password.js';
import { verifyEmail } from './verify-email.js';

/** Every mail Gatehouse sends; the comment names the parameters each one needs. */
export type MailTemplate =
  | 'verify-email' // params: { link }
  | 'reset-password' // params: { link }
  | 'confirm-email-change' // params: { link, newEmail }
  | 'email-change-notice' // params: { newEmail } — to the OLD address, no link
  | 'registration-attempt' // params: {} — "someone tried to register with your address"
  | 'password-reset-notice'; // params: {} — "your password was reset; every session was signed out"

type Params = Readonly<Record<string, string>>;

/** A missing parameter is a programming error: it fails the caller's transaction rather than send a broken mail. */
function required(params: Params, name: string, template: MailTemplate): string {
  const value = params[name];
  if (typeof value !== 'string' || value === '') {
    throw new Error(`mail template ${template} needs the parameter ${name}`);
  }
  return value;
}

/** Renders one template to its subject, plain-text and HTML bodies. */
export function renderMail(template: MailTemplate, params: Params, context: TemplateContext): RenderedMail {
  switch (template) {
    case 'verify-email':
      return verifyEmail({ link: required(params, 'link', template) });
    case 'reset-password':
      return resetPassword({ link: required(params, 'link', template) });
    case 'confirm-email-change':
      return confirmEmailChange({
        link: required(params, 'link', template),
        newEmail: required(params, 'newEmail', template),
      });
    case 'email-change-notice':
      return emailChangeNotice({ newEmail: required(params, 'newEmail', template) });
    case 'registration-attempt':
      return registrationAttempt(context);
    case 'password-reset-notice':
      return passwordResetNotice();
    default: {
      const unknown: never = template;
      throw new Error(`unknown mail template ${String(unknown)}`);
    }
  }
}
