import { CookieJar, errorCode, errorReason, gql } from '../support/client.js';
import { withClockAdvanced } from '../support/clock.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { PASSWORD, registerBearer } from '../support/users.js';
import { COMPLETE, enrolTotp, nextCode, passwordStep, type CompleteData } from './factor-helpers.js';

// The two-step login of DESIGN §6.2: with a second factor, login answers SECOND_FACTOR_REQUIRED with a challenge and
// creates nothing; completeLogin spends the challenge (single use, 5 minutes, bound to the transport) and opens an
// mfa session. Recovery codes are single use and regenerable.
const t = useTestServer({ env: { RATE_LIMIT_LOGIN_FAILURES: '1000', RATE_LIMIT_ACCOUNT_FAILURES: '1000' } });

async function totpUser() {
  const user = await registerBearer(t.server.url);
  const enrolled = await enrolTotp(t.server.url, { token: user.accessToken }, t.server.clock);
  return { ...user, ...enrolled };
}

const liveSessions = async (userId: string) =>
  sql<{ id: string; mfa: boolean }>(
    t.db,
    'select id, mfa from sessions where user_id = $1 and revoked_at is null',
    [userId],
  );

describe('two-step login', () => {
  it('cookie: no session row and no cookie until completeLogin; then a cookie session with mfa', async () => {
    const user = await totpUser();
    const before = (await liveSessions(user.userId)).length;
    const jar = new CookieJar();
    const step = await passwordStep(t.server.url, user.email, PASSWORD, 'COOKIE', { jar });
    expect(step.res.status).toBe(200);
    expect(step.res.headers.getSetCookie().filter((c) => c.startsWith('sid='))).toEqual([]);
    expect(step.factors).toEqual(['TOTP', 'RECOVERY_CODE']);
    expect(step.challenge.length).toBeGreaterThanOrEqual(43);
    expect((step.res.body.data as { login?: unknown } | null | undefined)?.login ?? null).toBeNull();
    expect(await liveSessions(user.userId)).toHaveLength(before);

    const done = await gql<CompleteData>(
      t.server.url,
      COMPLETE,
      { ch: step.challenge, totp: nextCode(user.secret, t.server.clock), t: 'COOKIE' },
      { jar },
    );
    expect(done.body.errors).toBeUndefined();
    expect(done.body.data!.completeLogin!.accessToken).toBeNull();
    expect(jar.get('sid')).toEqual(expect.any(String));
    const me = await gql<{ me: { id: string } }>(t.server.url, '{ me { id } }', {}, { jar });
    expect(me.body.data!.me.id).toBe(user.userId);
    const sessions = await liveSessions(user.userId);
    expect(sessions.find((s) => s.id === done.body.data!.completeLogin!.session.id)?.mfa).toBe(true);
    const audit = await sql<{ details: { factor: string } }>(
      t.db,
      "select details from audit_events where type = 'LOGIN_SUCCEEDED' and session_id = $1",
      [done.body.data!.completeLogin!.session.id],
    );
    expect(audit[0]!.details.factor).toBe('TOTP');
    // Nothing secret reached the logs: not the TOTP secret, the recovery codes or the challenge.
    const logs = t.server.logs.join('\n');
    for (const secret of [user.secret, step.challenge, ...user.recoveryCodes])
      expect(logs).not.toContain(secret);
  });

  it('bearer: a token pair and a device token from completeLogin, none from login', async () => {
    const user = await totpUser();
    const step = await passwordStep(t.server.url, user.email, PASSWORD, 'BEARER');
    expect(JSON.stringify(step.res.body)).not.toMatch(/accessToken"\s*:\s*"/);
    const done = await gql<CompleteData>(t.server.url, COMPLETE, {
      ch: step.challenge,
      totp: nextCode(user.secret, t.server.clock),
      t: 'BEARER',
    });
    const payload = done.body.data!.completeLogin!;
    expect(payload.accessToken).toEqual(expect.any(String));
    expect(payload.refreshToken).toEqual(expect.any(String));
    expect(payload.deviceToken).toMatch(/^ghd_/);
    const me = await gql<{ me: { id: string } }>(
      t.server.url,
      '{ me { id } }',
      {},
      { token: payload.accessToken! },
    );
    expect(me.body.data!.me.id).toBe(user.userId);
  });

  it('spends a challenge once: reused after success, or after a wrong code, it asks for a new login', async () => {
    expect.assertions(6);
    const user = await totpUser();
    const first = await passwordStep(t.server.url, user.email, PASSWORD, 'BEARER');
    const code = nextCode(user.secret, t.server.clock);
    const ok = await gql<CompleteData>(t.server.url, COMPLETE, {
      ch: first.challenge,
      totp: code,
      t: 'BEARER',
    });
    expect(ok.body.data?.completeLogin?.accessToken).toEqual(expect.any(String));
    const again = await gql(t.server.url, COMPLETE, {
      ch: first.challenge,
      totp: nextCode(user.secret, t.server.clock),
      t: 'BEARER',
    });
    expect(errorCode(again)).toBe('UNAUTHENTICATED');
    expect(errorReason(again)).toBe('LOGIN_REQUIRED');

    const second = await passwordStep(t.server.url, user.email, PASSWORD, 'BEARER');
    const right = nextCode(user.secret, t.server.clock);
    const wrong = await gql(t.server.url, COMPLETE, {
      ch: second.challenge,
      totp: right === '000000' ? '000001' : '000000',
      t: 'BEARER',
    });
    expect(errorReason(wrong)).toBe('INVALID_CREDENTIALS');
    const afterWrong = await gql(t.server.url, COMPLETE, { ch: second.challenge, totp: right, t: 'BEARER' });
    expect(errorReason(afterWrong)).toBe('LOGIN_REQUIRED');
    const failed = await sql(
      t.db,
      "select 1 from audit_events where user_id = $1 and type = 'SECOND_FACTOR_FAILED'",
      [user.userId],
    );
    expect(failed).toHaveLength(1);
  });

  it('refuses an expired challenge (5 minutes), one for another transport, and one that is made up', async () => {
    expect.assertions(3);
    const user = await totpUser();
    const step = await passwordStep(t.server.url, user.email, PASSWORD, 'BEARER');
    const expired = await withClockAdvanced(t.server.clock, 301, () =>
      gql(t.server.url, COMPLETE, { ch: step.challenge, totp: '123456', t: 'BEARER' }),
    );
    expect(errorReason(expired)).toBe('LOGIN_REQUIRED');
    const fresh = await passwordStep(t.server.url, user.email, PASSWORD, 'BEARER');
    const otherTransport = await gql(
      t.server.url,
      COMPLETE,
      { ch: fresh.challenge, totp: nextCode(user.secret, t.server.clock), t: 'COOKIE' },
      { jar: new CookieJar() },
    );
    expect(errorReason(otherTransport)).toBe('LOGIN_REQUIRED');
    const madeUp = await gql(t.server.url, COMPLETE, {
      ch: `ghc_${'A'.repeat(43)}`,
      totp: '123456',
      t: 'BEARER',
    });
    expect(errorReason(madeUp)).toBe('LOGIN_REQUIRED');
  });

  it('binds the challenge to the password check: a password changed meanwhile makes it ask for a new login', async () => {
    expect.assertions(2);
    const user = await totpUser();
    const step = await passwordStep(t.server.url, user.email, PASSWORD, 'BEARER');
    const changed = await gql(
      t.server.url,
      'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }',
      { c: PASSWORD, n: 'another long passphrase' },
      { token: user.accessToken },
    );
    expect(changed.body.errors).toBeUndefined();
    const res = await gql(t.server.url, COMPLETE, {
      ch: step.challenge,
      totp: nextCode(user.secret, t.server.clock),
      t: 'BEARER',
    });
    expect(errorReason(res)).toBe('LOGIN_REQUIRED');
  });

  it('refuses no proof or two proofs with BAD_USER_INPUT, spending nothing', async () => {
    const user = await totpUser();
    const step = await passwordStep(t.server.url, user.email, PASSWORD, 'BEARER');
    const none = await gql(t.server.url, COMPLETE, { ch: step.challenge, t: 'BEARER' });
    expect(errorCode(none)).toBe('BAD_USER_INPUT');
    const two = await gql(t.server.url, COMPLETE, {
      ch: step.challenge,
      totp: '123456',
      rc: user.recoveryCodes[0],
      t: 'BEARER',
    });
    expect(errorCode(two)).toBe('BAD_USER_INPUT');
    const done = await gql<CompleteData>(t.server.url, COMPLETE, {
      ch: step.challenge,
      totp: nextCode(user.secret, t.server.clock),
      t: 'BEARER',
    });
    expect(done.body.data?.completeLogin?.accessToken).toEqual(expect.any(String));
  });
});

describe('recovery codes', () => {
  const REMAINING = '{ recoveryCodesRemaining }';
  const complete = (challenge: string, code: string) =>
    gql<CompleteData>(t.server.url, COMPLETE, { ch: challenge, rc: code, t: 'BEARER' });

  it('complete a login once each; the count goes down and each use is audited with what is left', async () => {
    expect.assertions(6);
    const user = await totpUser();
    const code = user.recoveryCodes[3]!;
    const used = await complete(
      (await passwordStep(t.server.url, user.email, PASSWORD, 'BEARER')).challenge,
      code,
    );
    const token = used.body.data!.completeLogin!.accessToken!;
    const remaining = await gql<{ recoveryCodesRemaining: number }>(t.server.url, REMAINING, {}, { token });
    expect(remaining.body.data!.recoveryCodesRemaining).toBe(9);
    const audit = await sql<{ details: { remaining: number } }>(
      t.db,
      "select details from audit_events where user_id = $1 and type = 'RECOVERY_CODE_USED'",
      [user.userId],
    );
    expect(audit.map((a) => a.details.remaining)).toEqual([9]);
    // Typed from paper: case and dashes are forgiven. A spent code is refused all the same.
    const again = await complete(
      (await passwordStep(t.server.url, user.email, PASSWORD, 'BEARER')).challenge,
      code.toLowerCase().replace(/-/g, ''),
    );
    expect(errorCode(again)).toBe('UNAUTHENTICATED');
    expect(errorReason(again)).toBe('INVALID_CREDENTIALS');
    const other = await complete(
      (await passwordStep(t.server.url, user.email, PASSWORD, 'BEARER')).challenge,
      user.recoveryCodes[4]!.toLowerCase(),
    );
    expect(other.body.data?.completeLogin?.accessToken).toEqual(expect.any(String));
    const left = await gql<{ recoveryCodesRemaining: number }>(t.server.url, REMAINING, {}, { token });
    expect(left.body.data!.recoveryCodesRemaining).toBe(8);
  });

  it('regenerating (fresh login) replaces every code: old ones are refused, new ones work', async () => {
    expect.assertions(5);
    const user = await totpUser();
    const REGENERATE = 'mutation { regenerateRecoveryCodes }';
    const stale = await withClockAdvanced(t.server.clock, 601, () =>
      gql(t.server.url, REGENERATE, {}, { token: user.accessToken }),
    );
    expect(errorCode(stale)).toBe('REAUTHENTICATION_REQUIRED');
    const res = await gql<{ regenerateRecoveryCodes: string[] }>(
      t.server.url,
      REGENERATE,
      {},
      { token: user.accessToken },
    );
    const fresh = res.body.data!.regenerateRecoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(fresh.some((c) => user.recoveryCodes.includes(c))).toBe(false);
    const old = await complete(
      (await passwordStep(t.server.url, user.email, PASSWORD, 'BEARER')).challenge,
      user.recoveryCodes[0]!,
    );
    expect(errorReason(old)).toBe('INVALID_CREDENTIALS');
    const renewed = await complete(
      (await passwordStep(t.server.url, user.email, PASSWORD, 'BEARER')).challenge,
      fresh[0]!,
    );
    expect(renewed.body.data?.completeLogin?.accessToken).toEqual(expect.any(String));
  });
});
