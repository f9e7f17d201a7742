import { createTestDatabase, sql, type TestDatabase } from '../support/database.js';
import { startServer } from '../support/server.js';
import { commitMail, startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

// An instance that commits mail and goes away before sending it loses nothing: the next one delivers it.
let smtp: TestSmtpServer;
let db: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  smtp = await startSmtpServer();
  db = await createTestDatabase();
  env = { SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '300s' };
});
afterAll(async () => {
  await db?.close();
  await smtp?.stop();
});

/** Commits a mail on an instance whose sender is stopped, then stops the instance: the mail is left pending. */
async function commitAndGoAway(to: string): Promise<void> {
  const first = await startServer(db, { env });
  await first.app.mail.stop();
  await commitMail(first.app, { to, template: 'password-reset-notice', params: {} });
  await first.stop();
  expect(await sql(db, `select status, attempts from mail_outbox where recipient = $1`, [to])).toEqual([
    { status: 'PENDING', attempts: 0 },
  ]);
}

test('mail committed by an instance that stopped before sending is delivered by the next one at start', async () => {
  await commitAndGoAway('left-behind@example.com');
  expect(smtp.messages).toHaveLength(0);

  const next = await startServer(db, { env });
  try {
    expect((await smtp.nextMessage()).to).toBe('left-behind@example.com');
  } finally {
    await next.stop();
  }
});

test('a mail held by a sender that died mid-send waits for its lease to lapse, then is sent again', async () => {
  const to = 'mid-send@example.com';
  await commitAndGoAway(to);
  // What a sender that claimed the mail and then crashed leaves behind: an attempt counted, a lease held.
  await sql(
    db,
    `update mail_outbox set attempts = 1, leased_until = now() + interval '1 hour' where recipient = $1`,
    [to],
  );
  const next = await startServer(db, { env });
  try {
    await next.app.mail.drain();
    expect(smtp.messages.some((m) => m.to === to)).toBe(false);

    await sql(db, `update mail_outbox set leased_until = now() - interval '1 second' where recipient = $1`, [
      to,
    ]);
    const delivered = smtp.nextMessage();
    await next.app.mail.drain();
    expect((await delivered).to).toBe(to);
    expect(await sql(db, `select status, attempts from mail_outbox where recipient = $1`, [to])).toEqual([
      { status: 'SENT', attempts: 2 },
    ]);
  } finally {
    await next.stop();
  }
});
