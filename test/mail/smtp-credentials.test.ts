import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { commitMail, startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

// A wrong SMTP password is an operator's mistake to fix, not a reason to drop mail: the mail is kept and retried,
// and neither the configured password nor the server's real one appears in any log line.
const WRONG_PASSWORD = 'wrong-smtp-password-5b7e';
let smtp: TestSmtpServer;
const ctx = useTestServer({
  env: async () => {
    smtp = await startSmtpServer();
    return {
      SMTP_URL: `smtp://gatehouse:${WRONG_PASSWORD}@127.0.0.1:${smtp.port}`,
      MAIL_POLL_INTERVAL: '300s',
      LOG_LEVEL: 'trace',
    };
  },
});
afterAll(() => smtp?.stop());

test('a refused login keeps the mail for a retry, and neither a password nor the link reaches the log', async () => {
  const token = 'tok_credentials_9d1c';
  await commitMail(ctx.server.app, {
    to: 'auth@example.com',
    template: 'verify-email',
    params: { link: `https://app.example/verify-email?token=${token}` },
  });
  await ctx.server.app.mail.drain();

  expect(smtp.authFailures).toBeGreaterThanOrEqual(1);
  expect(smtp.messages).toHaveLength(0);
  expect(
    await sql(
      ctx.db,
      `select status, attempts, last_error from mail_outbox where recipient = 'auth@example.com'`,
    ),
  ).toEqual([{ status: 'PENDING', attempts: 1, last_error: 'EAUTH 535' }]);

  const logs = ctx.server.logs.join('\n');
  expect(logs).toContain('mail not sent; will retry');
  expect(logs).not.toContain(WRONG_PASSWORD);
  expect(logs).not.toContain(smtp.password);
  // Even at trace level, where every SQL statement is logged, the stored bodies (and their link) are not.
  expect(logs).toMatch(/insert into \\"mail_outbox\\"/); // the log's JSON escapes the quotes
  expect(logs).not.toContain(token);
});
