import { MailMessage } from '../../src/mail/mail-message.entity.js';
import { createMailOutbox } from '../../src/mail/outbox.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';

const ctx = useTestServer();

test('the outbox entity matches its migration (no schema difference left to migrate)', async () => {
  const diff = await ctx.server.app.db.orm.schema.getUpdateSchemaSQL({ wrap: false });
  expect(diff.split('\n').filter((line) => line.includes('mail_outbox'))).toEqual([]);
});

test('a mail enqueued in a transaction is stored rendered, pending and due at once', async () => {
  const outbox = createMailOutbox({ clock: ctx.server.clock, appUrl: 'https://app.example' });
  await ctx.server.app.db.orm.em.fork().transactional(async (tx) => {
    outbox.enqueue(tx, {
      to: 'table@example.com',
      template: 'verify-email',
      params: { link: 'https://app.example/verify-email?token=abc' },
    });
  });
  const rows = await sql<{ status: string; subject: string; text_body: string; attempts: number }>(
    ctx.db,
    `select status, subject, text_body, attempts from mail_outbox where recipient = 'table@example.com'`,
  );
  expect(rows).toEqual([
    {
      status: 'PENDING',
      subject: 'Confirm your email address',
      text_body: expect.stringContaining('https://app.example/verify-email?token=abc'),
      attempts: 0,
    },
  ]);
});

test('a mail enqueued in a transaction that rolls back is not stored', async () => {
  expect.assertions(2);
  const outbox = createMailOutbox({ clock: ctx.server.clock, appUrl: 'https://app.example' });
  await expect(
    ctx.server.app.db.orm.em.fork().transactional(async (tx) => {
      outbox.enqueue(tx, { to: 'rolled@example.com', template: 'password-reset-notice', params: {} });
      await tx.flush();
      throw new Error('the change failed');
    }),
  ).rejects.toThrow('the change failed');
  expect(await ctx.server.app.db.orm.em.fork().count(MailMessage, { recipient: 'rolled@example.com' })).toBe(
    0,
  );
});
