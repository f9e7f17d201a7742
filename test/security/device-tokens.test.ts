import { CookieJar, errorCode, gql, type GqlResponse } from '../support/client.js';
import { startServer, useTestServer } from '../support/server.js';
import { PASSWORD, registerBearer, uniqueEmail } from '../support/users.js';

// OWASP "Slow Down Online Guessing Attacks with Device Cookies": failures from unknown clients lock the account for
// unknown clients only; a client that logged in before (a signed device token: a cookie for browsers, a value
// bearer clients send back) keeps logging in, within a failure budget of its own. TRUST_PROXY=loopback lets a test
// speak for many client addresses.
const ACCOUNT_FAILURES = 6;
const DEVICE_FAILURES = 3;

const t = useTestServer({
  env: {
    TRUST_PROXY: 'loopback',
    RATE_LIMIT_LOGIN_FAILURES: '3',
    RATE_LIMIT_ACCOUNT_FAILURES: String(ACCOUNT_FAILURES),
    RATE_LIMIT_DEVICE_FAILURES: String(DEVICE_FAILURES),
    RATE_LIMIT_DEVICE_LOCKOUT: '10m',
  },
});

interface LoginData {
  login: { user: { id: string }; accessToken: string | null; deviceToken: string | null };
}

const LOGIN = `mutation($e: String!, $p: String!, $t: Transport!, $d: String) {
  login(email: $e, password: $p, transport: $t, deviceToken: $d) { user { id } accessToken deviceToken }
}`;

let nextIp = 1;
/** A client address nobody has used yet in this file (so per-IP and account+IP counters start empty). */
const freshIp = () => `203.0.113.${nextIp++}`;

function login(
  email: string,
  password: string,
  options: { transport?: 'COOKIE' | 'BEARER'; deviceToken?: string; jar?: CookieJar; ip?: string } = {},
): Promise<GqlResponse<LoginData>> {
  return gql<LoginData>(
    t.server.url,
    LOGIN,
    { e: email, p: password, t: options.transport ?? 'BEARER', d: options.deviceToken ?? null },
    { jar: options.jar, headers: { 'x-forwarded-for': options.ip ?? freshIp() } },
  );
}

/** An attacker's distributed guessing: wrong passwords from many addresses until unknown clients are locked out. */
async function lockOutUnknownClients(email: string): Promise<void> {
  for (let i = 0; i < ACCOUNT_FAILURES; i++) {
    expect(errorCode(await login(email, `wrong password ${i}`))).toBe('UNAUTHENTICATED');
  }
  const unknown = await login(email, PASSWORD);
  expect(unknown.status).toBe(429);
  expect(errorCode(unknown)).toBe('RATE_LIMITED');
}

/** A bearer login by the owner that yields a device token. */
async function deviceTokenOf(email: string): Promise<string> {
  const res = await login(email, PASSWORD);
  const token = res.body.data?.login.deviceToken;
  expect(token).toMatch(/^ghd_/);
  return token!;
}

describe('device tokens', () => {
  it('a known browser keeps logging in while failures from unknown clients lock the account out', async () => {
    const { email, userId } = await registerBearer(t.server.url);
    const browser = new CookieJar();
    expect((await login(email, PASSWORD, { transport: 'COOKIE', jar: browser })).status).toBe(200);
    const setCookie = browser.setCookieHeaders.find((line) => line.startsWith('gh_device='));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(Number(/Max-Age=(\d+)/i.exec(setCookie!)?.[1])).toBeGreaterThanOrEqual(364 * 86400);
    // A browser's token stays in its cookie: page scripts never see it.
    const cookieLogin = await login(email, PASSWORD, { transport: 'COOKIE', jar: browser });
    expect(cookieLogin.body.data?.login.deviceToken).toBeNull();

    await lockOutUnknownClients(email);

    const owner = await login(email, PASSWORD, { transport: 'COOKIE', jar: browser });
    expect(owner.status).toBe(200);
    expect(owner.body.data?.login.user.id).toBe(userId);
    const me = await gql<{ me: { id: string } }>(t.server.url, '{ me { id } }', {}, { jar: browser });
    expect(me.body.data?.me.id).toBe(userId);
  });

  it('a known bearer client sends its deviceToken back and keeps logging in; without it, it is refused', async () => {
    const { email, userId } = await registerBearer(t.server.url);
    const first = await login(email, PASSWORD);
    const deviceToken = first.body.data!.login.deviceToken!;
    expect(deviceToken).toMatch(/^ghd_/);
    // Bearer clients get no cookie.
    expect(first.headers.getSetCookie().some((line) => line.includes('gh_device'))).toBe(false);

    await lockOutUnknownClients(email);

    const owner = await login(email, PASSWORD, { deviceToken });
    expect(owner.status).toBe(200);
    expect(owner.body.data?.login.user.id).toBe(userId);
    expect(typeof owner.body.data?.login.accessToken).toBe('string');
    expect(owner.body.data?.login.deviceToken).toMatch(/^ghd_/); // a fresh one each login
    expect((await login(email, PASSWORD)).status).toBe(429);
  });

  it('gives a forged device token, or another account’s, no exemption', async () => {
    const { email } = await registerBearer(t.server.url);
    const own = await deviceTokenOf(email);
    const other = await registerBearer(t.server.url);
    const othersToken = await deviceTokenOf(other.email);
    await lockOutUnknownClients(email);

    const last = own.at(-1) === 'A' ? 'B' : 'A';
    const forged = [
      `${own.slice(0, -1)}${last}`, // signature altered
      own.replace(/\.(\d+)\./, (_m, iat: string) => `.${Number(iat) + 1}.`), // issue time altered
      othersToken, // genuine, for another account
      `ghd_${'A'.repeat(22)}.${'A'.repeat(22)}.1.${'A'.repeat(43)}`,
      'not a device token',
    ];
    for (const deviceToken of forged) {
      const res = await login(email, PASSWORD, { deviceToken });
      expect(res.status).toBe(429);
      expect(errorCode(res)).toBe('RATE_LIMITED');
    }
    const jar = new CookieJar();
    jar.set('gh_device', othersToken);
    expect((await login(email, PASSWORD, { transport: 'COOKIE', jar })).status).toBe(429);
    // The genuine one still works.
    expect((await login(email, PASSWORD, { deviceToken: own })).status).toBe(200);
  });

  it('bounds a device token’s own failures, concurrent ones too, after which it counts as an unknown client', async () => {
    const { email } = await registerBearer(t.server.url);
    const deviceToken = await deviceTokenOf(email);
    await lockOutUnknownClients(email);

    // A success starts the device's count again.
    for (let i = 0; i < DEVICE_FAILURES - 1; i++) {
      expect(errorCode(await login(email, 'wrong password', { deviceToken }))).toBe('UNAUTHENTICATED');
    }
    expect((await login(email, PASSWORD, { deviceToken })).status).toBe(200);

    // A stolen token is no unlimited oracle: a burst of guesses with it gets DEVICE_FAILURES checks at most.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(email, `guess ${i}`, { deviceToken })),
    );
    const evaluated = answers.filter((r) => errorCode(r) === 'UNAUTHENTICATED').length;
    const limited = answers.filter((r) => r.status === 429).length;
    expect(evaluated + limited).toBe(20);
    expect(evaluated).toBeLessThanOrEqual(DEVICE_FAILURES);
    // Spent: the token is trusted no more, and the account is locked for unknown clients.
    expect((await login(email, PASSWORD, { deviceToken })).status).toBe(429);
  });

  it('does not exempt a device token from the per-IP limit', async () => {
    const limitedServer = await startServer(t.db, {
      env: { TRUST_PROXY: 'loopback', RATE_LIMIT_LOGIN_PER_IP: '3' },
    });
    try {
      const email = uniqueEmail();
      await registerBearer(limitedServer.url, email);
      const ip = '198.51.100.200';
      const call = (deviceToken: string | null) =>
        gql<LoginData>(
          limitedServer.url,
          LOGIN,
          { e: email, p: PASSWORD, t: 'BEARER', d: deviceToken },
          { headers: { 'x-forwarded-for': ip } },
        );
      const deviceToken = (await call(null)).body.data!.login.deviceToken!;
      expect((await call(deviceToken)).status).toBe(200);
      expect((await call(deviceToken)).status).toBe(200);
      const refused = await call(deviceToken);
      expect(refused.status).toBe(429);
      expect(errorCode(refused)).toBe('RATE_LIMITED');
    } finally {
      await limitedServer.stop();
    }
  });
});
