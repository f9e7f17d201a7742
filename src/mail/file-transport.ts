import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '../logger.js';
import { AUTOMATED_HEADERS, type MailTransport } from './mail-transport.js';

/**
 * Outside production without SMTP_URL: each mail is written to `<dataDir>/outbox/<id>.eml` (open it with any mail
 * client), and its subject and link are logged so that a developer running `npm start` can click it. This is the
 * one place a link token reaches a log (DESIGN §6.1); production refuses to start without SMTP_URL.
 */
export function createFileTransport(deps: { dataDir: string; logger: Logger }): MailTransport {
  const folder = join(deps.dataDir, 'outbox');
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await builder.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: AUTOMATED_HEADERS,
      });
      await mkdir(folder, { recursive: true });
      const file = join(folder, `${mail.id}.eml`);
      await writeFile(file, info.message as Buffer);
      const link = /https?:\/\/\S+/.exec(mail.text)?.[0];
      deps.logger.info(
        { mailId: mail.id, subject: mail.subject, link, file },
        'mail written to the outbox folder (no SMTP_URL)',
      );
    },
    close() {},
  };
}
