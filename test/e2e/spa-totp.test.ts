import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import qrcode from 'qrcode-generator';
import { gql } from '../support/client.js';
import { browserPlanFromEnv } from '../support/browser.js';
import { buildSpa, serveSpa } from '../support/spa.js';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { PASSWORD, registerBearer } from '../support/users.js';
import { nextCode } from '../factors/factor-helpers.js';

/*
 * TOTP in a real browser: headless Chromium drives the SPA example's Security section and its two-step login. The
 * page draws the QR code itself (qrcode-generator, served by serve.mjs); the test reads the secret the page shows
 * and makes codes with otpauth at the server's test clock, which only moves forward (a step once spent stays
 * spent). Page and API share the host name 127.0.0.1 on different ports: same site, other origin.
 */

const plan = browserPlanFromEnv();
if (!plan.run) process.stderr.write(`\n${plan.notice}\n\n`);
const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');

let db: TestDatabase;
let server: TestServer;
let spa: ChildProcess | undefined;
let spaOrigin: string;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let user: { email: string; userId: string };
/** What the page shows while enrolling: the test's authenticator app is set up from it. */
let secret: string;
let recoveryCodes: string[];
const pageProblems: string[] = [];

type BodyState = 'login' | 'second-factor' | 'account';
type SecurityState = 'off' | 'reauth' | 'enrolling' | 'codes' | 'on';

async function shows(state: BodyState): Promise<void> {
  await page.waitForSelector(`body[data-state="${state}"]`);
}

async function security(state: SecurityState): Promise<void> {
  await page.waitForSelector(`#security[data-state="${state}"]`);
}

/** The password step through the login form; the page then asks for the second step (or is logged in). */
async function submitPassword(then: BodyState): Promise<void> {
  await shows('login');
  await page.fill('input[name="email"]', user.email);
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('#login-form button[type="submit"]');
  await shows(then);
}

async function logOut(): Promise<void> {
  await page.click('#logout');
  await shows('login');
}

async function secondStep(code: string, then: BodyState): Promise<void> {
  expect(await page.isVisible('#second-factor-form')).toBe(true);
  expect(await page.isVisible('#login-form')).toBe(false);
  await page.fill('#second-factor-code', code);
  await page.click('#second-factor-form button[type="submit"]');
  await shows(then);
}

/** The QR symbol of `text`, one string of 0/1 per row (1: dark), as qrcode-generator encodes it. */
function modulesOf(text: string): string[] {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const n = code.getModuleCount();
  return Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, c) => (code.isDark(r, c) ? '1' : '0')).join(''),
  );
}

/**
 * The canvas the page drew, read back: the centre pixel of each module (4 px each, after a 4-module quiet zone),
 * and whether the quiet zone is all light. An expression string: the tests compile without DOM types.
 */
async function drawnModules(): Promise<unknown> {
  return page.evaluate(`(() => {
    const canvas = document.querySelector('#totp-qr canvas');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const dark = (x, y) => data[(y * canvas.width + x) * 4] < 128;
    const cell = 4, margin = 4 * cell, n = canvas.width / cell - 8;
    let quietZoneLight = true;
    for (let y = 0; y < canvas.height; y++)
      for (let x = 0; x < canvas.width; x++) {
        const inSymbol = x >= margin && y >= margin && x < canvas.width - margin && y < canvas.height - margin;
        if (!inSymbol && dark(x, y)) quietZoneLight = false;
      }
    const rows = [];
    for (let r = 0; r < n; r++) {
      let row = '';
      for (let c = 0; c < n; c++) row += dark(margin + c * cell + 2, margin + r * cell + 2) ? '1' : '0';
      rows.push(row);
    }
    return { quietZoneLight, rows };
  })()`);
}

const liveSessions = () =>
  sql<{ mfa: boolean }>(db, 'select mfa from sessions where user_id = $1 and revoked_at is null', [
    user.userId,
  ]);

(plan.run ? describe : describe.skip)('TOTP and recovery codes in the SPA example (Chromium)', () => {
  beforeAll(async () => {
    buildSpa();
    ({ child: spa, origin: spaOrigin } = await serveSpa());
    db = await createTestDatabase();
    server = await startServer(db);
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
    context = await browser.newContext();
    page = await context.newPage();
    page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageProblems.push(`console: ${message.text()}`);
    });
    const registered = await registerBearer(server.url);
    user = { email: registered.email, userId: registered.userId };
    await gql(server.url, 'mutation { logout }', {}, { token: registered.accessToken });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    spa?.kill();
    await server?.stop();
    await db?.close();
  });

  it('turns TOTP on after a password step-up: QR code drawn in the page, secret as text, 10 recovery codes', async () => {
    await page.goto(`${spaOrigin}/?api=${encodeURIComponent(server.url)}`);
    await submitPassword('account');
    await security('off');

    // The login is now 10 minutes old: the page asks for the password before the server hands out a secret.
    server.clock.advance(601);
    await page.click('#totp-enable');
    await security('reauth');
    await page.fill('#reauth-password', PASSWORD);
    await page.click('#reauth-form button[type="submit"]');
    await security('enrolling');

    secret = (await page.textContent('#totp-secret'))!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const qr = await page.waitForSelector('#totp-qr canvas');
    const box = (await qr.boundingBox())!;
    expect(box.width).toBeGreaterThan(100);
    expect(box.height).toBe(box.width);
    // The symbol drawn holds the otpauth URL of the secret shown (no QR decoder here: the canvas, read module by
    // module, must equal the symbol of that URL), with the 4-module light quiet zone scanners need around it.
    const drawn = await drawnModules();
    const url = new TOTP({
      issuer: 'Gatehouse',
      label: user.email,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      secret: Secret.fromBase32(secret),
    }).toString();
    expect(drawn).toEqual({ quietZoneLight: true, rows: modulesOf(url) });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'spa-totp-enrolling.png'), fullPage: true });

    await page.fill('#totp-confirm-code', nextCode(secret, server.clock));
    await page.click('#totp-confirm-form button[type="submit"]');
    await security('codes');
    recoveryCodes = await page.$$eval('#recovery-codes li', (items) => items.map((i) => i.textContent!));
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    expect(await page.textContent('#totp-secret')).toBe(''); // forgotten once the app has it
    await page.screenshot({ path: join(ARTIFACTS, 'spa-totp-recovery-codes.png'), fullPage: true });

    await page.click('#recovery-codes-stored');
    await security('on');
    expect(await page.textContent('#recovery-remaining')).toBe('10');
    const audited = await sql<{ type: string }>(
      db,
      "select type from audit_events where user_id = $1 and type in ('REAUTHENTICATED', 'TOTP_ENROLLMENT_STARTED', 'TOTP_ENABLED') order by created_at",
      [user.userId],
    );
    expect(audited.map((r) => r.type)).toEqual([
      'REAUTHENTICATED',
      'TOTP_ENROLLMENT_STARTED',
      'TOTP_ENABLED',
    ]);
  });

  it('logs in again in two steps: the password, then the page asks for the code; an mfa session', async () => {
    await logOut();
    const before = (await liveSessions()).length;
    await submitPassword('second-factor');
    expect(await liveSessions()).toHaveLength(before); // no session from the password alone
    expect((await context.cookies(server.origin)).map((c) => c.name)).not.toContain('sid');

    await secondStep(nextCode(secret, server.clock), 'account');
    expect(await page.textContent('#user-email')).toBe(user.email);
    await security('on');
    const sessions = await liveSessions();
    expect(sessions).toHaveLength(before + 1);
    expect(sessions.every((s) => s.mfa)).toBe(true);
  });

  it('logs in with a recovery code instead: one fewer is left, and the same code is refused next time', async () => {
    await logOut();
    await submitPassword('second-factor');
    await secondStep(recoveryCodes[0]!, 'account');
    await security('on');
    expect(await page.textContent('#recovery-remaining')).toBe('9');
    await page.screenshot({ path: join(ARTIFACTS, 'spa-totp-on.png'), fullPage: true });

    await logOut();
    await submitPassword('second-factor');
    await secondStep(recoveryCodes[0]!, 'login');
    expect(await page.textContent('#status')).toBe('That code was not right. Log in again.');
    const used = await sql<{ details: { remaining?: number } }>(
      db,
      "select details from audit_events where user_id = $1 and type = 'RECOVERY_CODE_USED'",
      [user.userId],
    );
    expect(used).toHaveLength(1);
  });

  it('gets 10 new recovery codes, then turns TOTP off with a code: the password alone logs in again', async () => {
    await submitPassword('second-factor');
    await secondStep(nextCode(secret, server.clock), 'account');
    await security('on');
    await page.click('#recovery-regenerate'); // a login of a moment ago: no step-up asked
    await security('codes');
    const fresh = await page.$$eval('#recovery-codes li', (items) => items.map((i) => i.textContent!));
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((code) => recoveryCodes.includes(code))).toEqual([]);
    await page.click('#recovery-codes-stored');
    await security('on');
    expect(await page.textContent('#recovery-remaining')).toBe('10');

    await page.fill('#totp-disable-code', nextCode(secret, server.clock));
    await page.click('#totp-disable-form button[type="submit"]');
    await security('off');
    await logOut();
    await submitPassword('account');
    await security('off');
  });

  it("serves the QR library at one fixed path only, with the page's CSP", async () => {
    const vendor = await fetch(`${spaOrigin}/vendor/qrcode.js`);
    expect(vendor.status).toBe(200);
    expect(vendor.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(vendor.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await vendor.text()).toContain('export default qrcode');
    for (const path of [
      '/vendor/qrcode.mjs',
      '/vendor/qrcode.d.ts',
      '/vendor/%2e%2e/package.json',
      '/node_modules/qrcode-generator/dist/qrcode.mjs',
    ])
      expect((await fetch(`${spaOrigin}${path}`)).status).toBe(404);
  });

  it('had no script errors and no failed loads in the page', () => {
    expect(pageProblems).toEqual([]);
  });
});
