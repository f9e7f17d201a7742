import { createTestDatabase, sql, type TestDatabase } from '../support/database.js';
import { startServer } from '../support/server.js';
import { commitMail, startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

// Stopping an instance in the middle of a send: the send under way finishes, the mails it had claimed but not
// started are handed back untouched, and the next instance delivers them. Nothing is lost, nothing sent twice.
let smtp: TestSmtpServer;
let db: TestDatabase;
beforeAll(async () => {
  smtp = await startSmtpServer();
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
  await smtp?.stop();
});

test('a stop lets the send in flight finish and hands the rest of its claim back to the next instance', async () => {
  const env = { SMTP_URL: smtp.url, MAIL_POLL_INTERVAL: '300s' };
  const first = await startServer(db, { env });
  const held = smtp.hold();
  const recipients = ['stop-1@example.com', 'stop-2@example.com', 'stop-3@example.com'];
  await commitMail(
    first.app,
    ...recipients.map((to) => ({ to, template: 'password-reset-notice' as const, params: {} })),
  );
  await held.arrived; // the first mail is on the wire, the other two are claimed and waiting

  const stopping = first.app.mail.stop();
  held.release();
  await stopping;
  await first.stop();

  const rows = await sql<{ recipient: string; status: string; attempts: number; leased_until: Date | null }>(
    db,
    `select recipient, status, attempts, leased_until from mail_outbox order by recipient`,
  );
  expect(rows.filter((r) => r.status === 'SENT')).toHaveLength(1);
  expect(rows.filter((r) => r.status === 'PENDING')).toEqual([
    expect.objectContaining({ attempts: 0, leased_until: null }),
    expect.objectContaining({ attempts: 0, leased_until: null }),
  ]);
  expect(smtp.messages).toHaveLength(1);

  const next = await startServer(db, { env });
  try {
    await smtp.waitFor(3);
    await next.app.mail.drain();
    expect(smtp.messages.map((m) => m.to).sort()).toEqual(recipients);
    expect(await sql(db, `select status, count(*)::int as n from mail_outbox group by status`)).toEqual([
      { status: 'SENT', n: 3 },
    ]);
  } finally {
    await next.stop();
  }
});
