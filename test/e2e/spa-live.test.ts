import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { gql } from '../support/client.js';
import { browserPlanFromEnv } from '../support/browser.js';
import { buildSpa, serveSpa } from '../support/spa.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { loginBearer, PASSWORD, registerBearer } from '../support/users.js';
import { SESSION_EVENTS } from '../../src/realtime/session-events.js';

/*
 * DESIGN §6.3 in a real browser: the SPA example keeps a graphql-ws socket (cookie on the upgrade, from its own
 * allowed origin) subscribed to sessionEvents while logged in. A sign-in on another device shows up live; this
 * browser's session revoked from another device lands on the login form without a reload.
 */

const plan = browserPlanFromEnv();
if (!plan.run) process.stderr.write(`\n${plan.notice}\n\n`);

let db: TestDatabase;
let server: TestServer;
let spa: ChildProcess | undefined;
let spaOrigin: string;
let browser: Browser | undefined;
let page: Page;
let user: { email: string; userId: string };
const pageProblems: string[] = [];

/** Logs in through the form and waits until the page's socket listens for this user's events on the server. */
async function logInLive(listeners: number): Promise<string> {
  await page.waitForSelector('body[data-state="login"]');
  await page.fill('input[name="email"]', user.email);
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('#login-form button[type="submit"]');
  await page.waitForSelector('body[data-state="account"][data-live="connected"]');
  await server.app.live.events.pubSub.subscribed(SESSION_EVENTS, user.userId, listeners);
  return (await page.getAttribute('#sessions tr[data-current="true"]', 'data-session-id'))!;
}

async function status(text: string): Promise<void> {
  await page.waitForSelector(`#status:text-is("${text}")`);
}

(plan.run ? describe : describe.skip)(
  'the SPA example, live (sessionEvents over WebSocket in Chromium)',
  () => {
    beforeAll(async () => {
      buildSpa();
      ({ child: spa, origin: spaOrigin } = await serveSpa());
      db = await createTestDatabase();
      server = await startServer(db);
      browser = await chromium.launch({
        executablePath: plan.run ? plan.executablePath : '',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      });
      page = await (await browser.newContext()).newPage();
      page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') pageProblems.push(`console: ${message.text()}`);
      });
      const registered = await registerBearer(server.url);
      user = { email: registered.email, userId: registered.userId };
      await gql(server.url, 'mutation { logout }', {}, { token: registered.accessToken });
      await page.goto(`${spaOrigin}/?api=${encodeURIComponent(server.url)}`);
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      spa?.kill();
      await server?.stop();
      await db?.close();
    });

    it('shows a sign-in on another device as it happens, with its session in the table', async () => {
      await logInLive(1);
      const phone = await loginBearer(server.url, user.email);
      await status('New sign-in from another device.');
      await page.waitForSelector(`#sessions tr[data-session-id="${phone.sessionId}"][data-current="false"]`);
      expect(await page.getAttribute('body', 'data-state')).toBe('account');
    });

    it('lands on the login form, without a reload, when another device revokes this session', async () => {
      const own = (await page.getAttribute('#sessions tr[data-current="true"]', 'data-session-id'))!;
      const phone = await loginBearer(server.url, user.email);
      await page.waitForSelector(`#sessions tr[data-session-id="${phone.sessionId}"]`);
      await page.evaluate('window.sameDocument = true'); // a reload would lose it

      const revoked = await gql<{ revokeSession: boolean }>(
        server.url,
        'mutation ($id: ID!) { revokeSession(id: $id) }',
        { id: own },
        { token: phone.accessToken },
      );
      expect(revoked.body.data?.revokeSession).toBe(true);
      await page.waitForSelector('body[data-state="login"][data-live="off"]');
      await status('You were signed out on this device.');
      expect(await page.isVisible('#account')).toBe(false);
      expect(await page.evaluate('window.sameDocument')).toBe(true);
    });

    it('says "Logged out." when this page logs itself out: its own socket closing is no news', async () => {
      await logInLive(1);
      await page.click('#logout');
      await page.waitForSelector('body[data-state="login"][data-live="off"]');
      await status('Logged out.');
    });

    it('had no script errors and no failed loads in the page', () => {
      expect(pageProblems).toEqual([]);
    });
  },
);
