import type { ReceivedMail, TestSmtpServer } from '../support/smtp.js';
import { gql, type CallOptions, type GqlResponse } from '../support/client.js';

/** The APP_URL the account tests start their servers with: links point at it. */
export const APP_URL = 'https://app.example.com';

/** The environment of a server that mails through the test SMTP server (woken by each commit, no polling). */
export function mailEnv(smtp: TestSmtpServer): Record<string, string> {
  return { SMTP_URL: smtp.url, APP_URL, MAIL_POLL_INTERVAL: '300s' };
}

/**
 * Reads one test file's mail by recipient: `next(to)` resolves with the first mail to `to` that no earlier call
 * took, as soon as it arrives (an event, never a timer).
 */
export function mailbox(smtp: TestSmtpServer) {
  const taken = new Set<ReceivedMail>();
  const find = (to: string, page?: string) =>
    smtp.messages.find(
      (m) =>
        !taken.has(m) &&
        m.envelopeTo.includes(to.toLowerCase()) &&
        (page === undefined || m.text.includes(`${APP_URL}/${page}?token=`)),
    );
  return {
    /** The next mail to `to` not taken yet; with `page`, the next one whose link is for that page. */
    async next(to: string, page?: LinkPage): Promise<ReceivedMail> {
      for (;;) {
        const found = find(to, page);
        if (found) {
          taken.add(found);
          return found;
        }
        await smtp.waitFor(smtp.messages.length + 1);
      }
    },
    /** Every mail received so far to `to` (taken or not). */
    all(to: string): ReceivedMail[] {
      return smtp.messages.filter((m) => m.envelopeTo.includes(to.toLowerCase()));
    },
  };
}

export type LinkPage = 'verify-email' | 'reset-password' | 'confirm-email';

/** The token of the link in a mail, and the page it is for. */
export function linkIn(mail: ReceivedMail): { page: string; token: string } {
  const match = /https:\/\/app\.example\.com\/([a-z-]+)\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match) throw new Error(`no link in the mail "${mail.subject}"`);
  return { page: match[1]!, token: match[2]! };
}

export const VERIFY = 'mutation($t: String!) { verifyEmail(token: $t) }';
export const REQUEST_VERIFICATION = 'mutation { requestEmailVerification }';
export const REQUEST_RESET = 'mutation($e: String!) { requestPasswordReset(email: $e) }';
export const RESET = 'mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }';
export const REQUEST_CHANGE =
  'mutation($e: String!, $p: String!) { requestEmailChange(newEmail: $e, currentPassword: $p) }';
export const CONFIRM_CHANGE = 'mutation($t: String!) { confirmEmailChange(token: $t) }';

/** Calls a mutation and returns the response. */
export function call(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<GqlResponse> {
  return gql(url, query, variables, options);
}

/** What a client sees of an error: its message, code and reason (not the stack a test server adds). */
export function errorShape(res: GqlResponse<unknown>) {
  const error = res.body.errors?.[0];
  return { message: error?.message, code: error?.extensions?.code, reason: error?.extensions?.reason };
}

export const INVALID_LINK_ERROR = {
  message: 'This link is invalid or has expired; ask for a new one',
  code: 'BAD_USER_INPUT',
  reason: 'INVALID_LINK',
};
