import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { gql } from '../support/client.js';
import { browserPlanFromEnv } from '../support/browser.js';
import { buildSpa, serveSpa } from '../support/spa.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { loginBearer, PASSWORD, registerBearer } from '../support/users.js';

// Debian's Chromium (CI installs it with apt); a browser is never downloaded. Without one, outside CI, the suite
// is skipped with one loud line (a fresh machine's `npm test` must pass); under CI=true a missing browser fails.
const plan = browserPlanFromEnv();
// Straight to stderr: Jest drops console output of a file whose tests are all skipped.
if (!plan.run) process.stderr.write(`\n${plan.notice}\n\n`);
const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const SUITE = 'the SPA example in Chromium (cookie transport, cross-origin, same site)';

let db: TestDatabase;
let server: TestServer;
let smtp: TestSmtpServer;
let spa: ChildProcess | undefined;
let spaOrigin: string;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let email: string;
const pageProblems: string[] = [];
/** Where the time goes (ms), written to test-artifacts/spa-timings.json: the browser test is the slowest one. */
const timings: Record<string, number> = {};
let mark = Date.now();
function lap(name: string): void {
  timings[name] = Date.now() - mark;
  mark = Date.now();
}

/** Waits until the page is in `state` (index.html's <body data-state>), and checks what the user actually sees. */
async function shows(state: 'login' | 'account'): Promise<void> {
  await page.waitForSelector(`body[data-state="${state}"]`);
  expect(await page.isVisible('#login-form')).toBe(state === 'login');
  expect(await page.isVisible('#account')).toBe(state === 'account');
}

async function sessionRows(): Promise<{ id: string; current: boolean }[]> {
  return page.$$eval('#sessions tr', (rows) =>
    rows.map((r) => ({
      id: r.getAttribute('data-session-id')!,
      current: r.getAttribute('data-current') === 'true',
    })),
  );
}

async function logInThroughTheForm(): Promise<void> {
  await shows('login');
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('#login-form button[type="submit"]');
  await shows('account');
}

const appUrl = () => `${spaOrigin}/?api=${encodeURIComponent(server.url)}`;
const NEW_PASSWORD = 'a password chosen after the reset';

/** The reset link in the next reset mail to `to`, read from the test SMTP server as soon as it arrives. */
async function resetLinkMailedTo(to: string): Promise<string> {
  for (let seen = 0; ; seen++) {
    const mail = (await smtp.waitFor(seen + 1))[seen]!;
    const link = /http:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
    if (link && mail.envelopeTo.includes(to)) return link;
  }
}

(plan.run ? describe : describe.skip)(SUITE, () => {
  beforeAll(async () => {
    mark = Date.now();
    buildSpa();
    lap('buildSpa');
    ({ child: spa, origin: spaOrigin } = await serveSpa());
    lap('serveSpa');
    db = await createTestDatabase();
    smtp = await startSmtpServer();
    // Mailed links point at the SPA (APP_URL), which takes the token from them.
    server = await startServer(db, {
      env: { SMTP_URL: smtp.url, APP_URL: spaOrigin, MAIL_POLL_INTERVAL: '300s' },
    });
    lap('startApi');
    browser = await chromium.launch({
      executablePath: plan.run ? plan.executablePath : '',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    lap('launchBrowser');
    context = await browser.newContext(); // empty: no cookies, no storage
    page = await context.newPage();
    page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageProblems.push(`console: ${message.text()}`);
    });

    // The user exists before the browser arrives; the registration's own session is ended so the list starts empty.
    const registered = await registerBearer(server.url);
    email = registered.email;
    await gql(server.url, 'mutation { logout }', {}, { token: registered.accessToken });
    lap('newContextAndUser');
  }, 60_000);

  afterEach(() => lap((expect.getState().currentTestName ?? '').replace(`${SUITE} `, '')));

  afterAll(async () => {
    mark = Date.now();
    await browser?.close();
    lap('closeBrowser');
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'spa-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    spa?.kill();
    await server?.stop();
    await smtp?.stop();
    await db?.close();
  });

  it('comes up logged out, logs in through the form and shows the user and this session', async () => {
    expect(spaOrigin).not.toBe(server.origin);
    await page.goto(appUrl());
    await logInThroughTheForm();

    expect(await page.textContent('#user-email')).toBe(email);
    expect(await page.textContent('#user-roles')).toBe('USER');
    expect(await sessionRows()).toEqual([{ id: expect.any(String), current: true }]);
    expect(await page.textContent('#sessions tr[data-current="true"] td:first-child')).toBe('COOKIE');
  });

  it('never lets page scripts see the session cookie', async () => {
    // A script-readable cookie on the same host shows up in document.cookie (ports do not separate cookies), so
    // the absence of sid below means httpOnly, not "not there".
    await context.addCookies([{ name: 'probe', value: '1', domain: '127.0.0.1', path: '/' }]);
    const visible = await page.evaluate('document.cookie'); // an expression: tests compile without DOM types
    expect(visible).toBe('probe=1');
    await context.clearCookies({ name: 'probe' });

    const cookies = await context.cookies(server.origin);
    const sid = cookies.find((c) => c.name === 'sid');
    expect(sid).toMatchObject({ httpOnly: true, sameSite: 'Lax', domain: '127.0.0.1' });
  });

  it("lists another client's session, revokes it, and that client is refused on its next request", async () => {
    const phone = await loginBearer(server.url, email);
    expect((await gql(server.url, '{ me { id } }', {}, { token: phone.accessToken })).status).toBe(200);

    await page.click('#reload');
    await page.waitForSelector(`#sessions tr[data-session-id="${phone.sessionId}"]`);
    expect(await sessionRows()).toContainEqual({ id: phone.sessionId, current: false });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'spa-logged-in.png'), fullPage: true });

    await page.click(`button[data-revoke="${phone.sessionId}"]`);
    await page.waitForSelector(`#sessions tr[data-session-id="${phone.sessionId}"]`, { state: 'detached' });
    expect(await sessionRows()).toEqual([{ id: expect.any(String), current: true }]);

    const refused = await gql(server.url, '{ me { id } }', {}, { token: phone.accessToken });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'SESSION_REVOKED',
    });
  });

  it('logs out, and a fresh load comes up logged out', async () => {
    await page.click('#logout');
    await shows('login');
    expect(await page.textContent('#status')).toBe('Logged out.');
    expect((await context.cookies(server.origin)).map((c) => c.name)).not.toContain('sid');

    await page.goto(appUrl());
    await shows('login');
  });

  it("logs out everywhere, ending the other clients' sessions too", async () => {
    await logInThroughTheForm();
    const phone = await loginBearer(server.url, email);

    await page.click('#logout-all');
    await shows('login');
    expect(await page.textContent('#status')).toBe('Logged out of 2 session(s).');

    const refused = await gql(server.url, '{ me { id } }', {}, { token: phone.accessToken });
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.extensions?.reason).toBe('SESSION_REVOKED');
    await page.reload();
    await shows('login');
  });

  it('resets a forgotten password through the mailed link: every session ends, then the new password logs in', async () => {
    const phone = await loginBearer(server.url, email);
    await page.goto(appUrl());
    await shows('login');
    await page.click('#forgot');
    await page.waitForSelector('body[data-state="forgot"]');
    await page.fill('#forgot-email', email);
    await page.click('#forgot-form button[type="submit"]');
    await shows('login');
    expect(await page.textContent('#status')).toBe(
      'If an account uses this address, a link to reset its password is on its way.',
    );

    // The link as the mail carries it, opened in this tab (which remembers the API URL).
    const link = await resetLinkMailedTo(email);
    expect(link.startsWith(`${spaOrigin}/reset-password?token=`)).toBe(true);
    await page.goto(link);
    await page.waitForSelector('body[data-state="reset"]');
    expect(page.url()).toBe(`${spaOrigin}/`); // the token left the address bar at once
    await page.fill('#new-password', NEW_PASSWORD);
    await page.click('#reset-form button[type="submit"]');
    await shows('login');
    expect(await page.textContent('#status')).toBe(
      'Your password was changed and every session signed out. Log in with the new password.',
    );
    expect((await context.cookies(server.origin)).map((c) => c.name)).not.toContain('sid'); // nobody logged in
    expect((await gql(server.url, '{ me { id } }', {}, { token: phone.accessToken })).status).toBe(401);

    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', NEW_PASSWORD);
    await page.click('#login-form button[type="submit"]');
    await shows('account');
    expect(await page.textContent('#user-email')).toBe(email);
  });

  it('had no script errors and no failed loads in the page', () => {
    expect(pageProblems).toEqual([]);
  });
});
