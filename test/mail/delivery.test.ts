import { linkTo } from '../../src/mail/outbox.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { commitMail, startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

// Polling is pushed out to 5 minutes: every delivery below is woken by the commit's NOTIFY alone.
let smtp: TestSmtpServer;
const METRICS_TOKEN = 'metrics-token-for-the-mail-tests';
const ctx = useTestServer({
  env: async () => {
    smtp = await startSmtpServer();
    return {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Gatehouse Test <no-reply@gatehouse.test>',
      APP_URL: 'https://app.example.com/portal',
      MAIL_POLL_INTERVAL: '300s',
      METRICS_TOKEN,
    };
  },
});
afterAll(() => smtp?.stop());

const link = (token: string) => linkTo('https://app.example.com/portal', 'reset-password', token);

test('a committed mail is delivered over SMTP at once: subject, from, to, text and HTML with the link', async () => {
  const token = 'tok_delivery_0123456789abcdef';
  await commitMail(ctx.server.app, {
    to: 'alice@example.com',
    template: 'reset-password',
    params: { link: link(token) },
  });
  const mail = await smtp.nextMessage();

  expect(mail.envelopeFrom).toBe('no-reply@gatehouse.test');
  expect(mail.envelopeTo).toEqual(['alice@example.com']);
  expect(mail.from).toBe('"Gatehouse Test" <no-reply@gatehouse.test>');
  expect(mail.to).toBe('alice@example.com');
  expect(mail.subject).toBe('Reset your password');
  expect(mail.text).toContain(`https://app.example.com/portal/reset-password?token=${token}`);
  expect(mail.html).toContain(`<a href="https://app.example.com/portal/reset-password?token=${token}">`);
  expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
});

test('once sent, the row keeps its metadata and loses its bodies (they held the single-use link)', async () => {
  await commitMail(ctx.server.app, {
    to: 'bodies@example.com',
    template: 'verify-email',
    params: { link: link('tok_bodies') },
    userId: '00000000-0000-4000-8000-000000000001',
  });
  await smtp.nextMessage();
  await ctx.server.app.mail.drain();
  expect(
    await sql(
      ctx.db,
      `select status, attempts, text_body, html_body, leased_until, last_error, user_id, subject,
              sent_at is not null as sent
       from mail_outbox where recipient = 'bodies@example.com'`,
    ),
  ).toEqual([
    {
      status: 'SENT',
      attempts: 1,
      text_body: null,
      html_body: null,
      leased_until: null,
      last_error: null,
      user_id: '00000000-0000-4000-8000-000000000001',
      subject: 'Confirm your email address',
      sent: true,
    },
  ]);
});

test('a parameter cannot add markup to the HTML body', async () => {
  await commitMail(ctx.server.app, {
    to: 'markup@example.com',
    template: 'email-change-notice',
    params: { newEmail: '"><img src=x onerror=alert(1)>@evil.example' },
  });
  const mail = await smtp.nextMessage();
  expect(mail.html).not.toContain('<img');
  expect(mail.html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;@evil.example');
  expect(mail.text).toContain('"><img src=x onerror=alert(1)>@evil.example');
  expect(mail.text).not.toMatch(/https?:\/\//); // the notice to the old address carries no link
});

test('a change that rolls back sends nothing; the next committed mail goes out alone', async () => {
  expect.assertions(4);
  const { app } = ctx.server;
  const before = smtp.messages.length;
  await expect(
    app.db.orm.em.fork().transactional(async (tx) => {
      app.mail.outbox.enqueue(tx as never, {
        to: 'rolled-back@example.com',
        template: 'reset-password',
        params: { link: link('tok_rolled_back') },
      });
      await tx.flush();
      throw new Error('the change failed');
    }),
  ).rejects.toThrow('the change failed');
  await commitMail(app, { to: 'after@example.com', template: 'password-reset-notice', params: {} });

  const next = await smtp.nextMessage();
  await app.mail.drain();
  expect(next.to).toBe('after@example.com');
  expect(smtp.messages.length).toBe(before + 1);
  expect(smtp.messages.some((m) => m.to === 'rolled-back@example.com')).toBe(false);
});

test('the outbox metrics: nothing pending once delivered, and the deliveries counted', async () => {
  await ctx.server.app.mail.drain();
  const response = await fetch(`${ctx.server.origin}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const text = await response.text();
  expect(text).toMatch(/^gatehouse_mail_outbox_pending 0$/m);
  const sent = /^gatehouse_mail_deliveries_total\{outcome="sent"\} (\d+)$/m.exec(text);
  expect(Number(sent?.[1])).toBe(smtp.messages.length);
});

test('the SMTP password and the link tokens never reach the log', async () => {
  await ctx.server.app.mail.drain();
  const logs = ctx.server.logs.join('\n');
  expect(smtp.authFailures).toBe(0);
  expect(logs).toContain('mail sender started');
  expect(logs).not.toContain(smtp.password);
  expect(logs).not.toContain('tok_');
});
