import type { Em } from '../../src/db/types.js';
import { MailMessage } from '../../src/mail/mail-message.entity.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';

// The sender is kept from polling (5 min) and stopped before these run: they look at what enqueue stores.
const ctx = useTestServer({ env: { MAIL_POLL_INTERVAL: '300s', APP_URL: 'https://app.example' } });
beforeAll(() => ctx.server.app.mail.stop());

test('the outbox entity matches its migration (no schema difference left to migrate)', async () => {
  const diff = await ctx.server.app.db.orm.schema.getUpdateSchemaSQL({ wrap: false });
  expect(diff.split('\n').filter((line) => line.includes('mail_outbox'))).toEqual([]);
});

test('a mail enqueued in a transaction is stored rendered, pending and due at once', async () => {
  const { app } = ctx.server;
  const before = ctx.server.clock.now();
  await app.db.orm.em.fork().transactional(async (tx) => {
    app.mail.outbox.enqueue(tx as Em, {
      to: 'table@example.com',
      template: 'verify-email',
      params: { link: 'https://app.example/verify-email?token=abc' },
      userId: null,
    });
  });
  const rows = await sql<Record<string, unknown>>(
    ctx.db,
    `select status, subject, text_body, html_body, attempts, due_at, leased_until, template
     from mail_outbox where recipient = 'table@example.com'`,
  );
  expect(rows).toEqual([
    {
      status: 'PENDING',
      template: 'verify-email',
      subject: 'Confirm your email address',
      text_body: expect.stringContaining('https://app.example/verify-email?token=abc'),
      html_body: expect.stringContaining('href="https://app.example/verify-email?token=abc"'),
      attempts: 0,
      due_at: expect.any(Date),
      leased_until: null,
    },
  ]);
  expect(Math.abs((rows[0]!.due_at as Date).getTime() - before.getTime())).toBeLessThan(5000);
});

test('a mail enqueued in a transaction that rolls back is not stored', async () => {
  expect.assertions(2);
  const { app } = ctx.server;
  await expect(
    app.db.orm.em.fork().transactional(async (tx) => {
      app.mail.outbox.enqueue(tx as Em, {
        to: 'rolled@example.com',
        template: 'password-reset-notice',
        params: {},
      });
      await tx.flush();
      throw new Error('the change failed');
    }),
  ).rejects.toThrow('the change failed');
  const em = app.db.orm.em.fork();
  expect(await em.count(MailMessage, { recipient: 'rolled@example.com' })).toBe(0);
});

test('a template missing a parameter fails the caller’s transaction instead of storing a broken mail', async () => {
  expect.assertions(2);
  const { app } = ctx.server;
  await expect(
    app.db.orm.em.fork().transactional(async (tx) => {
      app.mail.outbox.enqueue(tx as Em, { to: 'broken@example.com', template: 'reset-password', params: {} });
    }),
  ).rejects.toThrow('mail template reset-password needs the parameter link');
  expect(await sql(ctx.db, `select id from mail_outbox where recipient = 'broken@example.com'`)).toEqual([]);
});
