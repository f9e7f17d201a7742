import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { browserPlanFromEnv } from '../support/browser.js';
import { buildSpa, serveSpa } from '../support/spa.js';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { PASSWORD, registerBearer } from '../support/users.js';

/*
 * Passkeys in a real browser: headless Chromium with a CDP virtual authenticator (CTAP2, internal, resident keys,
 * user verification) drives the SPA example: log in with the password, add a passkey, log out, sign in with the
 * passkey alone. WebAuthn refuses IP addresses as relying parties, so page and API are both on `localhost`
 * (different ports: different origins, same site); the API lists the page's origin in WEBAUTHN_ORIGINS.
 */

const plan = browserPlanFromEnv();
if (!plan.run) process.stderr.write(`\n${plan.notice}\n\n`);

let db: TestDatabase;
let server: TestServer;
let spa: ChildProcess | undefined;
let spaOrigin: string;
let browser: Browser | undefined;
let page: Page;
const pageProblems: string[] = [];

async function shows(state: 'login' | 'account'): Promise<void> {
  await page.waitForSelector(`body[data-state="${state}"]`);
}

(plan.run ? describe : describe.skip)('passkeys in the SPA example (Chromium, virtual authenticator)', () => {
  beforeAll(async () => {
    buildSpa();
    ({ child: spa, origin: spaOrigin } = await serveSpa('localhost'));
    db = await createTestDatabase();
    server = await startServer(db, { env: { WEBAUTHN_ORIGINS: spaOrigin } });
    browser = await chromium.launch({
      executablePath: plan.run ? plan.executablePath : '',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-sync',
      ],
    });
    const context = await browser.newContext();
    page = await context.newPage();
    page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageProblems.push(`console: ${message.text()}`);
    });
    // The platform authenticator of a phone or laptop: discoverable credentials, PIN/biometric always passes.
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    spa?.kill();
    await server?.stop();
    await db?.close();
  });

  it('adds a passkey after a password login, logs out, and signs in with the passkey alone (mfa)', async () => {
    const user = await registerBearer(server.url);
    const api = `http://localhost:${new URL(server.origin).port}/graphql`;
    await page.goto(`${spaOrigin}/?api=${encodeURIComponent(api)}`);
    await shows('login');
    await page.fill('input[name="email"]', user.email);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('#login-form button[type="submit"]');
    await shows('account');

    await page.click('#passkey-add');
    expect(await page.textContent('#passkeys li')).toMatch(/^This browser \(added /);
    const [stored] = await sql<{ user_id: string; backed_up: boolean }>(
      db,
      'select user_id, backed_up from passkeys',
    );
    expect(stored).toMatchObject({ user_id: user.userId });

    await page.click('#logout');
    await shows('login');

    await page.click('#passkey-login');
    await shows('account');
    expect(await page.textContent('#user-email')).toBe(user.email);
    const [session] = await sql<{ mfa: boolean; transport: string }>(
      db,
      `select s.mfa, s.transport from sessions s join audit_events a on a.session_id = s.id
       where a.type = 'LOGIN_SUCCEEDED' and a.details->>'factor' = 'PASSKEY'`,
    );
    expect(session).toEqual({ mfa: true, transport: 'COOKIE' });
    expect(pageProblems).toEqual([]);
  });
});
