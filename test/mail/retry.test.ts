import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { commitMail, startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

// Retries at ≤ 10 s, ≤ 20 s, then given up at the third attempt. The backoff is driven by the test clock: each
// step advances it past the longest possible wait, then drains; polling (5 min) never steps in.
let smtp: TestSmtpServer;
const METRICS_TOKEN = 'metrics-token-for-the-retry-tests';
const ctx = useTestServer({
  env: async () => {
    smtp = await startSmtpServer();
    return {
      SMTP_URL: smtp.url,
      MAIL_MAX_ATTEMPTS: '3',
      MAIL_RETRY_BASE: '10s',
      MAIL_RETRY_CAP: '20s',
      MAIL_POLL_INTERVAL: '300s',
      METRICS_TOKEN,
    };
  },
});
afterAll(() => smtp?.start().then(() => smtp.stop()));

interface Row {
  status: string;
  attempts: number;
  last_error: string | null;
  text_body: string | null;
  html_body: string | null;
  due_at: Date;
}
const row = async (to: string) =>
  (
    await sql<Row>(
      ctx.db,
      `select status, attempts, last_error, text_body, html_body, due_at from mail_outbox where recipient = $1`,
      [to],
    )
  )[0]!;

const step = async (seconds: number) => {
  ctx.server.clock.advance(seconds);
  await ctx.server.app.mail.drain();
};

test('mail committed while the SMTP server is down is retried with backoff and delivered once it is back', async () => {
  const to = 'retry@example.com';
  await smtp.stop();
  await commitMail(ctx.server.app, { to, template: 'password-reset-notice', params: {} });
  await ctx.server.app.mail.drain();

  const first = await row(to);
  expect(first).toMatchObject({ status: 'PENDING', attempts: 1, last_error: 'ESOCKET' });
  const wait = (first.due_at.getTime() - ctx.server.clock.now().getTime()) / 1000;
  expect(wait).toBeGreaterThan(4); // half the base, less the time the test took
  expect(wait).toBeLessThanOrEqual(10);

  // Not due yet: a pass now claims nothing.
  await ctx.server.app.mail.drain();
  expect(await row(to)).toMatchObject({ attempts: 1 });

  await step(10);
  expect(await row(to)).toMatchObject({ status: 'PENDING', attempts: 2, last_error: 'ESOCKET' });

  await smtp.start();
  const delivered = smtp.nextMessage();
  await step(20);
  expect((await delivered).to).toBe(to);
  expect(await row(to)).toMatchObject({ status: 'SENT', attempts: 3, last_error: null, text_body: null });
  expect(smtp.messages.filter((m) => m.to === to)).toHaveLength(1);
});

test('after the last attempt the mail is given up: marked FAILED, bodies erased, MAIL_FAILED audited', async () => {
  const to = 'give-up@example.com';
  const userId = '00000000-0000-4000-8000-0000000000aa';
  const token = 'tok_given_up_secret';
  await smtp.stop();
  await commitMail(ctx.server.app, {
    to,
    template: 'verify-email',
    params: { link: `https://app.example/verify-email?token=${token}` },
    userId,
  });
  await ctx.server.app.mail.drain();
  await step(10);
  await step(20);

  expect(await row(to)).toMatchObject({
    status: 'FAILED',
    attempts: 3,
    last_error: 'ESOCKET',
    text_body: null,
    html_body: null,
  });
  const audits = await sql<{ user_id: string; details: Record<string, unknown> }>(
    ctx.db,
    `select user_id, details from audit_events where type = 'MAIL_FAILED'`,
  );
  expect(audits).toEqual([
    {
      user_id: userId,
      details: {
        mailId: expect.any(String),
        template: 'verify-email',
        attempts: 3,
        lastError: 'ESOCKET',
        permanent: false,
      },
    },
  ]);
  expect(JSON.stringify(audits)).not.toContain(token);

  // Given up means given up: the server coming back does not resurrect it.
  await smtp.start();
  await step(60);
  expect(await row(to)).toMatchObject({ status: 'FAILED', attempts: 3 });
  expect(smtp.messages.some((m) => m.to === to)).toBe(false);
  expect(ctx.server.logs.join('\n')).not.toContain(token);
});

test('a recipient the server refuses for good (550) is given up at once, not retried', async () => {
  const to = 'bounce-nobody@example.com';
  await commitMail(ctx.server.app, { to, template: 'password-reset-notice', params: {} });
  await ctx.server.app.mail.drain();

  expect(await row(to)).toMatchObject({ status: 'FAILED', attempts: 1, last_error: 'EENVELOPE 550' });
  const [audit] = await sql<{ details: Record<string, unknown> }>(
    ctx.db,
    `select details from audit_events where type = 'MAIL_FAILED' and details->>'lastError' = 'EENVELOPE 550'`,
  );
  expect(audit?.details).toMatchObject({ attempts: 1, permanent: true, template: 'password-reset-notice' });
});

test('every outcome is counted: sent, retried and given up', async () => {
  const response = await fetch(`${ctx.server.origin}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const text = await response.text();
  const count = (outcome: string) =>
    Number(
      new RegExp(`^gatehouse_mail_deliveries_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text)?.[1],
    );
  // The first test: two retries then sent; the second: two retries then given up; the third: given up at once.
  expect({ sent: count('sent'), retried: count('retried'), failed: count('failed') }).toEqual({
    sent: 1,
    retried: 4,
    failed: 2,
  });
  expect(text).toMatch(/^gatehouse_mail_outbox_pending 0$/m);
});
