import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkTo } from '../../src/mail/outbox.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { commitMail } from '../support/smtp.js';

// Outside production without SMTP_URL: mail becomes .eml files under DATA_DIR/outbox, and the developer is told
// the subject and the link (DESIGN §6.1), and nothing more of the mail.
const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-mail-files-'));
const ctx = useTestServer({ env: { DATA_DIR: dataDir, APP_URL: 'http://localhost:5173' } });

test('each mail is written to DATA_DIR/outbox/<id>.eml and its subject and link are logged', async () => {
  const token = 'tok_file_outbox_7f3a9c';
  const link = linkTo('http://localhost:5173', 'verify-email', token);
  await commitMail(ctx.server.app, { to: 'dev@example.com', template: 'verify-email', params: { link } });
  await ctx.server.app.mail.drain();

  const [{ id, status }] = await sql<{ id: string; status: string }>(
    ctx.db,
    `select id, status from mail_outbox where recipient = 'dev@example.com'`,
  );
  expect(status).toBe('SENT');
  expect(readdirSync(join(dataDir, 'outbox'))).toEqual([`${id}.eml`]);
  const eml = readFileSync(join(dataDir, 'outbox', `${id}.eml`), 'utf8');
  expect(eml).toMatch(/^Subject: Confirm your email address$/m);
  expect(eml).toMatch(/^To: dev@example.com$/m);
  expect(eml).toMatch(/^From: Gatehouse <no-reply@localhost>$/m);
  expect(eml).toContain('Content-Type: text/html');
  expect(eml).toContain(token);

  const lines = ctx.server.logs.filter((line) => line.includes(token));
  expect(lines).toHaveLength(1);
  const logged = JSON.parse(lines[0]!) as Record<string, unknown>;
  expect(logged).toMatchObject({
    level: 30,
    msg: 'mail written to the outbox folder (no SMTP_URL)',
    subject: 'Confirm your email address',
    link,
    mailId: id,
  });
  // The bodies themselves never reach the log: only the link is repeated for the developer.
  expect(ctx.server.logs.join('\n')).not.toContain('Please confirm your email address');
  expect(ctx.server.logs.join('\n')).not.toContain('<a href');
});

test('a mail without a link is written and logged by its subject alone', async () => {
  await commitMail(ctx.server.app, { to: 'dev2@example.com', template: 'password-reset-notice', params: {} });
  await ctx.server.app.mail.drain();
  const lines = ctx.server.logs
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.subject === 'Your password was reset');
  expect(lines).toEqual([
    expect.objectContaining({ msg: 'mail written to the outbox folder (no SMTP_URL)' }),
  ]);
  expect(lines[0]!.link).toBeUndefined();
  expect(readdirSync(join(dataDir, 'outbox'))).toHaveLength(2);
});
