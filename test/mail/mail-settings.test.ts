import { ConfigError, loadConfig } from '../../src/config.js';
import { productionEnv, TEST_PUBLIC_URL } from '../support/production-env.js';

/** The ConfigError loadConfig throws for `env` (fails the test when nothing is thrown). */
function refusal(env: Record<string, string | undefined>): string {
  let error: unknown;
  try {
    loadConfig(env);
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(ConfigError);
  return (error as Error).message;
}

describe('mail settings', () => {
  it('have the documented defaults outside production: mail to files, from no-reply@localhost, links to PUBLIC_URL', () => {
    const { mail } = loadConfig({});
    expect(mail).toEqual({
      smtpUrl: undefined,
      from: 'Gatehouse <no-reply@localhost>',
      appUrl: 'http://localhost:4000',
      maxAttempts: 10,
      retryBaseSec: 30,
      retryCapSec: 3600,
      pollIntervalSec: 1,
    });
  });

  it('take SMTP_URL, MAIL_FROM, APP_URL (with a path) and the retry bounds', () => {
    const { mail } = loadConfig({
      SMTP_URL: 'smtps://user:p%40ss@mail.example.com:465',
      MAIL_FROM: 'Example <no-reply@example.com>',
      APP_URL: 'https://example.com/app',
      MAIL_MAX_ATTEMPTS: '5',
      MAIL_RETRY_BASE: '1m',
      MAIL_RETRY_CAP: '2h',
      MAIL_POLL_INTERVAL: '5s',
    });
    expect(mail).toEqual({
      smtpUrl: 'smtps://user:p%40ss@mail.example.com:465',
      from: 'Example <no-reply@example.com>',
      appUrl: 'https://example.com/app',
      maxAttempts: 5,
      retryBaseSec: 60,
      retryCapSec: 7200,
      pollIntervalSec: 5,
    });
  });

  it('default the sender to no-reply at PUBLIC_URL’s host and APP_URL to PUBLIC_URL in production', async () => {
    const { mail } = loadConfig(await productionEnv());
    expect(mail.from).toBe('Gatehouse <no-reply@api.example.com>');
    expect(mail.appUrl).toBe(TEST_PUBLIC_URL);
  });

  it.each([
    ['SMTP_URL', 'http://mail.example.com', /smtp:\/\/ or smtps:\/\//],
    ['SMTP_URL', 'not a url', /expected a URL/],
    ['MAIL_FROM', 'nobody', /expected an address/],
    ['MAIL_FROM', 'a@example.com\r\nBcc: victim@example.com', /expected an address/],
    ['APP_URL', 'ftp://example.com', /http\(s\) URL/],
    ['APP_URL', 'https://example.com/app?x=1', /no query/],
    ['MAIL_MAX_ATTEMPTS', '0', /from 1 to 50/],
    ['MAIL_RETRY_BASE', '0s', /duration/],
    ['MAIL_RETRY_CAP', '30d', /duration/],
    ['MAIL_POLL_INTERVAL', '1h', /duration/],
  ])('refuse %s=%j, naming it', (name, value, detail) => {
    const message = refusal({ [name]: value });
    expect(message.startsWith(`${name}: `)).toBe(true);
    expect(message).toMatch(detail);
  });

  it('refuse a retry cap below the base', () => {
    expect(refusal({ MAIL_RETRY_BASE: '10m', MAIL_RETRY_CAP: '1m' })).toMatch(/^MAIL_RETRY_CAP: /);
  });

  it('never repeat the SMTP password in a refusal', () => {
    for (const value of ['ftp://user:hunter2-secret@mail.example.com', 'smtp://user:hunter2-secret@']) {
      const message = refusal({ SMTP_URL: value });
      expect(message.startsWith('SMTP_URL: ')).toBe(true);
      expect(message).not.toContain('hunter2-secret');
    }
  });
});

describe('production refuses to start without working mail', () => {
  it('starts with SMTP_URL and PUBLIC_URL (the control)', async () => {
    expect(loadConfig(await productionEnv()).mail.smtpUrl).toMatch(/^smtp:\/\//);
  });

  it('refuses without SMTP_URL, naming it', async () => {
    expect(refusal({ ...(await productionEnv()), SMTP_URL: undefined })).toMatch(
      /^SMTP_URL: required in production/,
    );
  });

  it('refuses without PUBLIC_URL, naming it (the base of every link when APP_URL is unset)', async () => {
    expect(refusal({ ...(await productionEnv()), PUBLIC_URL: undefined })).toMatch(
      /^PUBLIC_URL: required in production/,
    );
  });

  it('refuses an APP_URL over plain http: the links carry single-use tokens', async () => {
    expect(refusal({ ...(await productionEnv()), APP_URL: 'http://app.example.com' })).toMatch(
      /^APP_URL: must be https in production/,
    );
  });
});
