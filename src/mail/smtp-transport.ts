import nodemailer from 'nodemailer';
import { AUTOMATED_HEADERS, type MailTransport } from './mail-transport.js';

/**
 * Sends over SMTP to SMTP_URL: `smtps://` speaks TLS from the first byte, `smtp://` upgrades with STARTTLS when the
 * server offers it. nodemailer's own logging stays off: it would print the SMTP dialogue, AUTH included.
 */
export function createSmtpTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    logger: false,
    debug: false,
  });
  return {
    async send(mail) {
      await transporter.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: AUTOMATED_HEADERS,
      });
    },
    close() {
      transporter.close();
    },
  };
}
