import { randomBytes } from 'node:crypto';
import { errorCode, errorReason, gql } from '../support/client.js';
import { withClockAdvanced, type TestClock } from '../support/clock.js';
import { sql } from '../support/database.js';
import { testFactorKey } from '../support/keys.js';
import { startServer, useTestServer } from '../support/server.js';
import { PASSWORD, registerBearer, uniqueEmail } from '../support/users.js';
import { codeAt, enrolTotp, LOGIN, nextCode } from './factor-helpers.js';

// TOTP (RFC 6238) as the API offers it: enrolment behind a fresh login, confirmation with a first code, ±1 step,
// each code accepted once, the secret encrypted at rest under a rotatable key list. Codes come from otpauth and
// the server's test clock, which only moves forward here: a step once spent stays spent.
const t = useTestServer({ env: { RATE_LIMIT_LOGIN_FAILURES: '1000', RATE_LIMIT_ACCOUNT_FAILURES: '1000' } });

const START = 'mutation { startTotpEnrollment { secret otpauthUrl } }';
const CONFIRM = 'mutation($c: String!) { confirmTotpEnrollment(code: $c) }';
const DISABLE = 'mutation($c: String!) { disableTotp(code: $c) }';
const REAUTH = 'mutation($c: String) { reauthenticate(totp: $c) }';
const FACTORS = '{ myFactors recoveryCodesRemaining }';

/** One second into a step, far enough past any step used before that both neighbours are unspent. */
function alignPastUsedSteps(clock: TestClock): void {
  clock.advance(300);
  const now = clock.now().getTime();
  clock.advance((30_000 - (now % 30_000) + 1000) / 1000);
}

describe('TOTP enrolment', () => {
  it('needs a fresh login to start (REAUTHENTICATION_REQUIRED once the login is 10 minutes old)', async () => {
    expect.assertions(2);
    const user = await registerBearer(t.server.url);
    const res = await withClockAdvanced(t.server.clock, 601, () =>
      gql(t.server.url, START, {}, { token: user.accessToken }),
    );
    expect(errorCode(res)).toBe('REAUTHENTICATION_REQUIRED');
    expect(res.body.data?.startTotpEnrollment ?? null).toBeNull();
  });

  it('hands out a secret and an otpauth URL, and is no factor until a first code confirms it', async () => {
    const user = await registerBearer(t.server.url);
    const auth = { token: user.accessToken };
    const res = await gql<{ startTotpEnrollment: { secret: string; otpauthUrl: string } }>(
      t.server.url,
      START,
      {},
      auth,
    );
    const { secret, otpauthUrl } = res.body.data!.startTotpEnrollment;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('issuer')).toBe('Gatehouse');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(decodeURIComponent(url.pathname)).toContain(user.email);
    // Pending: the password alone still logs in.
    const login = await gql(t.server.url, LOGIN, { e: user.email, p: PASSWORD, t: 'BEARER' });
    expect(login.body.errors).toBeUndefined();
    const factors = await gql<{ myFactors: string[] }>(t.server.url, FACTORS, {}, auth);
    expect(factors.body.data!.myFactors).toEqual(['PASSWORD']);
  });

  it('refuses a wrong first code, then activates with a right one and returns 10 distinct recovery codes', async () => {
    expect.assertions(7);
    const user = await registerBearer(t.server.url);
    const auth = { token: user.accessToken };
    const started = await gql<{ startTotpEnrollment: { secret: string } }>(t.server.url, START, {}, auth);
    const secret = started.body.data!.startTotpEnrollment.secret;
    const right = nextCode(secret, t.server.clock);
    const wrong = right === '000000' ? '111111' : '000000';
    const refused = await gql(t.server.url, CONFIRM, { c: wrong }, auth);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    const confirmed = await gql<{ confirmTotpEnrollment: string[] }>(
      t.server.url,
      CONFIRM,
      { c: right },
      auth,
    );
    const codes = confirmed.body.data!.confirmTotpEnrollment;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes.slice(0, 1)) expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    const factors = await gql<{ myFactors: string[]; recoveryCodesRemaining: number }>(
      t.server.url,
      FACTORS,
      {},
      auth,
    );
    expect(factors.body.data).toEqual({
      myFactors: ['PASSWORD', 'TOTP', 'RECOVERY_CODE'],
      recoveryCodesRemaining: 10,
    });
    const audited = await sql<{ type: string }>(
      t.db,
      "select type from audit_events where user_id = $1 and type in ('TOTP_ENROLLMENT_STARTED', 'TOTP_ENABLED') order by created_at",
      [user.userId],
    );
    expect(audited.map((r) => r.type)).toEqual(['TOTP_ENROLLMENT_STARTED', 'TOTP_ENABLED']);
    // Active now: starting again is refused until TOTP is disabled.
    expect(errorCode(await gql(t.server.url, START, {}, auth))).toBe('BAD_USER_INPUT');
  });

  it('keeps the secret encrypted: neither the secret nor its bytes are in the row', async () => {
    const user = await registerBearer(t.server.url);
    const { secret } = await enrolTotp(t.server.url, { token: user.accessToken }, t.server.clock);
    const rows = await sql<{ secret: string }>(t.db, 'select secret from totp_factors where user_id = $1', [
      user.userId,
    ]);
    const stored = rows[0]!.secret;
    expect(stored).not.toContain(secret);
    expect(stored).toMatch(/^v1\./);
    const dump = await sql<{ row: string }>(
      t.db,
      'select t::text as row from totp_factors t where user_id = $1',
      [user.userId],
    );
    expect(dump[0]!.row).not.toContain(secret);
    expect(dump[0]!.row.toUpperCase()).not.toContain(secret);
  });
});

describe('TOTP codes', () => {
  it('accepts a code one step early or late, refuses two steps off', async () => {
    const user = await registerBearer(t.server.url);
    const auth = { token: user.accessToken };
    const { secret } = await enrolTotp(t.server.url, auth, t.server.clock);
    alignPastUsedSteps(t.server.clock);
    const at = t.server.clock.now();
    const reauth = (code: string) =>
      gql<{ reauthenticate: boolean }>(t.server.url, REAUTH, { c: code }, auth);
    expect(errorCode(await reauth(codeAt(secret, at, -2)))).toBe('UNAUTHENTICATED');
    expect(errorCode(await reauth(codeAt(secret, at, 2)))).toBe('UNAUTHENTICATED');
    expect((await reauth(codeAt(secret, at, -1))).body.data?.reauthenticate).toBe(true);
    expect((await reauth(codeAt(secret, at, 1))).body.data?.reauthenticate).toBe(true);
  });

  it('accepts each code once: the same code again, or an earlier step, is refused', async () => {
    const user = await registerBearer(t.server.url);
    const auth = { token: user.accessToken };
    const { secret } = await enrolTotp(t.server.url, auth, t.server.clock);
    alignPastUsedSteps(t.server.clock);
    const at = t.server.clock.now();
    const code = codeAt(secret, at);
    const first = await gql<{ reauthenticate: boolean }>(t.server.url, REAUTH, { c: code }, auth);
    expect(first.body.data?.reauthenticate).toBe(true);
    const replay = await gql(t.server.url, REAUTH, { c: code }, auth);
    expect(errorCode(replay)).toBe('UNAUTHENTICATED');
    expect(errorReason(replay)).toBe('INVALID_CREDENTIALS');
    const earlier = await gql(t.server.url, REAUTH, { c: codeAt(secret, at, -1) }, auth);
    expect(errorCode(earlier)).toBe('UNAUTHENTICATED');
    const failed = await sql<{ n: string }>(
      t.db,
      "select count(*) as n from audit_events where user_id = $1 and type = 'SECOND_FACTOR_FAILED'",
      [user.userId],
    );
    expect(Number(failed[0]!.n)).toBe(2);
  });

  it('disables TOTP with a current code (not with a wrong one); the password alone logs in again', async () => {
    const user = await registerBearer(t.server.url);
    const auth = { token: user.accessToken };
    const { secret } = await enrolTotp(t.server.url, auth, t.server.clock);
    const code = nextCode(secret, t.server.clock);
    const wrong = code === '123456' ? '654321' : '123456';
    const refused = await gql(t.server.url, DISABLE, { c: wrong }, auth);
    expect(errorCode(refused)).toBe('UNAUTHENTICATED');
    const done = await gql<{ disableTotp: boolean }>(t.server.url, DISABLE, { c: code }, auth);
    expect(done.body.data?.disableTotp).toBe(true);
    const factors = await gql<{ myFactors: string[]; recoveryCodesRemaining: number }>(
      t.server.url,
      FACTORS,
      {},
      auth,
    );
    expect(factors.body.data).toEqual({ myFactors: ['PASSWORD'], recoveryCodesRemaining: 0 });
    const login = await gql(t.server.url, LOGIN, { e: user.email, p: PASSWORD, t: 'BEARER' });
    expect(login.body.errors).toBeUndefined();
  });
});

describe('FACTOR_ENCRYPTION_KEY rotation', () => {
  it('decrypts with an older key of the list and re-encrypts with the first; an unknown key opens nothing', async () => {
    const user = await registerBearer(t.server.url, uniqueEmail('rotation'));
    const { secret } = await enrolTotp(t.server.url, { token: user.accessToken }, t.server.clock);
    const before = (
      await sql<{ secret: string }>(t.db, 'select secret from totp_factors where user_id = $1', [user.userId])
    )[0]!.secret;

    const newKey = randomBytes(32).toString('base64url');
    const rotated = await startServer(t.db, { env: { FACTOR_ENCRYPTION_KEY: `${newKey},${testFactorKey}` } });
    try {
      // Same time as the first instance (its clock moved on); then the challenge is minutes from expiring.
      rotated.clock.advance((t.server.clock.now().getTime() - rotated.clock.now().getTime()) / 1000);
      const login = await gql<{ login: { accessToken: string } }>(
        rotated.url,
        `mutation { login(email: "${user.email}", password: "${PASSWORD}", transport: BEARER) { accessToken } }`,
      );
      expect(errorCode(login)).toBe('SECOND_FACTOR_REQUIRED');
      const challenge = login.body.errors![0]!.extensions!.challenge as string;
      const done = await gql<{ completeLogin: { accessToken: string } }>(
        rotated.url,
        'mutation($ch: String!, $c: String!) { completeLogin(challenge: $ch, totp: $c, transport: BEARER) { accessToken } }',
        { ch: challenge, c: nextCode(secret, rotated.clock, t.server.clock) },
      );
      expect(done.body.data?.completeLogin?.accessToken).toEqual(expect.any(String));
      const after = (
        await sql<{ secret: string }>(t.db, 'select secret from totp_factors where user_id = $1', [
          user.userId,
        ])
      )[0]!.secret;
      expect(after).not.toBe(before);
      expect(after.split('.')[1]).not.toBe(before.split('.')[1]);
    } finally {
      await rotated.stop();
    }

    // Only the new key now: the re-encrypted secret still opens; with an unrelated key it would not.
    const onlyNew = await startServer(t.db, { env: { FACTOR_ENCRYPTION_KEY: newKey } });
    const stranger = await startServer(t.db, {
      env: { FACTOR_ENCRYPTION_KEY: randomBytes(32).toString('hex') },
    });
    try {
      for (const [server, works] of [
        [onlyNew, true],
        [stranger, false],
      ] as const) {
        server.clock.advance((t.server.clock.now().getTime() - server.clock.now().getTime()) / 1000);
        const login = await gql(
          server.url,
          `mutation { login(email: "${user.email}", password: "${PASSWORD}", transport: BEARER) { accessToken } }`,
        );
        const challenge = login.body.errors![0]!.extensions!.challenge as string;
        const done = await gql<{ completeLogin: { accessToken: string } | null }>(
          server.url,
          'mutation($ch: String!, $c: String!) { completeLogin(challenge: $ch, totp: $c, transport: BEARER) { accessToken } }',
          { ch: challenge, c: nextCode(secret, server.clock, t.server.clock) },
        );
        expect(errorCode(done)).toBe(works ? undefined : 'UNAUTHENTICATED');
      }
    } finally {
      await onlyNew.stop();
      await stranger.stop();
    }
  });
});
