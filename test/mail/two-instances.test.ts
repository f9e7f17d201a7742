import type { MailRequest } from '../../src/mail/outbox.js';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { commitMail, startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

// Two instances on one database, both senders running and both woken by every commit: each mail must leave once.
let smtp: TestSmtpServer;
let db: TestDatabase;
let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  db = await createTestDatabase();
  const env = { SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '1s' };
  a = await startServer(db, { env });
  b = await startServer(db, { env });
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await db?.close();
  await smtp?.stop();
});

const batch = (from: number, count: number): MailRequest[] =>
  Array.from({ length: count }, (_, i) => ({
    to: `exactly-once-${from + i}@example.com`,
    template: 'password-reset-notice' as const,
    params: {},
  }));

test('40 mails committed on two instances are each delivered exactly once', async () => {
  // Eight commits of five, alternating instances, all at once: both senders claim from the same burst.
  await Promise.all(
    Array.from({ length: 8 }, (_, i) => commitMail(i % 2 === 0 ? a.app : b.app, ...batch(i * 5, 5))),
  );
  await smtp.waitFor(40);
  await Promise.all([a.app.mail.drain(), b.app.mail.drain()]);

  const recipients = smtp.messages.map((m) => m.to);
  expect(recipients).toHaveLength(40);
  expect(new Set(recipients).size).toBe(40);
  expect(
    await sql(db, `select status, attempts, count(*)::int as n from mail_outbox group by status, attempts`),
  ).toEqual([{ status: 'SENT', attempts: 1, n: 40 }]);
});
