import { errorCode, gql, type GqlResponse } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTwoInstances } from '../support/server.js';
import { PASSWORD, registerBearer } from '../support/users.js';
import { COMPLETE, enrolTotp, LOGIN, nextCode } from './factor-helpers.js';

// Second factors on the login limits, across two instances: a TOTP code is accepted once even when it reaches both
// at the same moment; concurrent wrong codes are evaluated at most the limit; and a right password does not reset
// the counter that wrong codes fill (or a known password would buy unlimited guesses at the code).
const FAILURES = 5;
const t = useTwoInstances({
  env: {
    RATE_LIMIT_LOGIN_FAILURES: String(FAILURES),
    RATE_LIMIT_LOGIN_LOCKOUT: '10m',
    TRUST_PROXY: 'loopback',
  },
});

const REAUTH = 'mutation($c: String) { reauthenticate(totp: $c) }';
const ip = (n: number) => ({ headers: { 'x-forwarded-for': `203.0.113.${n}` } });

describe('second factors under concurrency', () => {
  it('accepts one code once when it is sent to both instances at the same time', async () => {
    const user = await registerBearer(t.a.url);
    const auth = { token: user.accessToken };
    const { secret } = await enrolTotp(t.a.url, auth, t.a.clock, t.b.clock);
    const code = nextCode(secret, t.a.clock, t.b.clock);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => gql(i % 2 ? t.b.url : t.a.url, REAUTH, { c: code }, auth)),
    );
    expect(answers.filter((r) => r.body.data?.reauthenticate === true)).toHaveLength(1);
    // The rest: refused as a replay, or (shared limiter: 6 reservations against a limit of 5) unchecked.
    expect(answers.filter((r) => ['UNAUTHENTICATED', 'RATE_LIMITED'].includes(errorCode(r)!))).toHaveLength(
      5,
    );
  });

  it('checks one of 30 concurrent wrong codes sent with one challenge to both instances', async () => {
    const user = await registerBearer(t.a.url);
    const { secret } = await enrolTotp(t.a.url, { token: user.accessToken }, t.a.clock, t.b.clock);
    const right = nextCode(secret, t.a.clock, t.b.clock);
    const wrong = right === '000000' ? '000001' : '000000';
    // One challenge: one password check, left counted until a second factor succeeds.
    const login = await gql(t.a.url, LOGIN, { e: user.email, p: PASSWORD, t: 'BEARER' }, ip(1));
    const challenge = login.body.errors![0]!.extensions!.challenge as string;
    const answers: GqlResponse<unknown>[] = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        gql(i % 2 ? t.b.url : t.a.url, COMPLETE, { ch: challenge, totp: wrong, t: 'BEARER' }, ip(1)),
      ),
    );
    const codes = answers.map(errorCode);
    expect(codes.every((c) => c === 'UNAUTHENTICATED' || c === 'RATE_LIMITED')).toBe(true);
    const evaluated = await sql<{ n: string }>(
      t.db,
      "select count(*) as n from audit_events where user_id = $1 and type = 'SECOND_FACTOR_FAILED'",
      [user.userId],
    );
    // The challenge is single use: one wrong code was checked, every other attempt was refused unchecked.
    expect(Number(evaluated[0]!.n)).toBe(1);
  });

  it('bounds concurrent wrong codes over several challenges by what the password steps left of the limit', async () => {
    const user = await registerBearer(t.a.url);
    const { secret } = await enrolTotp(t.a.url, { token: user.accessToken }, t.a.clock, t.b.clock);
    const right = nextCode(secret, t.a.clock, t.b.clock);
    const wrong = right === '424242' ? '424243' : '424242';
    // Three right passwords: three challenges, three checks left counted until a second step succeeds.
    const challenges: string[] = [];
    for (let i = 0; i < 3; i++) {
      const login = await gql(t.a.url, LOGIN, { e: user.email, p: PASSWORD, t: 'BEARER' }, ip(5));
      challenges.push(login.body.errors![0]!.extensions!.challenge as string);
    }
    // One instance: on the embedded database each instance counts in its own memory.
    const answers = await Promise.all(
      challenges.flatMap((ch) =>
        Array.from({ length: 10 }, () => gql(t.a.url, COMPLETE, { ch, totp: wrong, t: 'BEARER' }, ip(5))),
      ),
    );
    expect(answers.every((r) => ['UNAUTHENTICATED', 'RATE_LIMITED'].includes(errorCode(r)!))).toBe(true);
    const evaluated = await sql<{ n: string }>(
      t.db,
      "select count(*) as n from audit_events where user_id = $1 and type = 'SECOND_FACTOR_FAILED'",
      [user.userId],
    );
    expect(Number(evaluated[0]!.n)).toBeLessThanOrEqual(FAILURES - challenges.length);
    const after = await gql(t.a.url, LOGIN, { e: user.email, p: PASSWORD, t: 'BEARER' }, ip(5));
    expect(after.status).toBe(429);
  });

  it('does not let a right password reset the count of wrong codes: the account+IP locks within the limit', async () => {
    const user = await registerBearer(t.a.url);
    const { secret } = await enrolTotp(t.a.url, { token: user.accessToken }, t.a.clock, t.b.clock);
    let rounds = 0;
    let limited = false;
    while (!limited && rounds < 20) {
      rounds++;
      const login = await gql(t.a.url, LOGIN, { e: user.email, p: PASSWORD, t: 'BEARER' }, ip(2));
      if (errorCode(login) === 'RATE_LIMITED') {
        limited = true;
        break;
      }
      const challenge = login.body.errors![0]!.extensions!.challenge as string;
      const right = nextCode(secret, t.a.clock, t.b.clock);
      // One instance: on the embedded database each instance counts in its own memory.
      const res = await gql(
        t.a.url,
        COMPLETE,
        { ch: challenge, totp: right === '999999' ? '999998' : '999999', t: 'BEARER' },
        ip(2),
      );
      if (errorCode(res) === 'RATE_LIMITED') limited = true;
    }
    expect(limited).toBe(true);
    // Each round counts its password and its wrong code: the lock-out comes after FAILURES checks, not never.
    expect(rounds).toBeLessThanOrEqual(Math.ceil(FAILURES / 2) + 1);
    const right = await gql(t.a.url, LOGIN, { e: user.email, p: PASSWORD, t: 'BEARER' }, ip(2));
    expect(right.status).toBe(429);
  });

  it('settles the password step on success: logins completed with the right code never lock the account', async () => {
    const user = await registerBearer(t.a.url);
    const { secret } = await enrolTotp(t.a.url, { token: user.accessToken }, t.a.clock, t.b.clock);
    for (let i = 0; i < FAILURES * 2; i++) {
      const login = await gql(t.a.url, LOGIN, { e: user.email, p: PASSWORD, t: 'BEARER' }, ip(3));
      const challenge = login.body.errors![0]!.extensions!.challenge as string;
      const done = await gql<{ completeLogin: { accessToken: string } | null }>(
        t.a.url,
        COMPLETE,
        { ch: challenge, totp: nextCode(secret, t.a.clock, t.b.clock), t: 'BEARER' },
        ip(3),
      );
      expect(done.body.data?.completeLogin?.accessToken).toEqual(expect.any(String));
    }
  });

  it('keeps the known-device exemption of login: a locked-out account+IP still completes from its known device', async () => {
    const user = await registerBearer(t.a.url);
    const { secret } = await enrolTotp(t.a.url, { token: user.accessToken }, t.a.clock, t.b.clock);
    const first = await gql(t.a.url, LOGIN, { e: user.email, p: PASSWORD, t: 'BEARER' }, ip(4));
    const known = await gql<{ completeLogin: { deviceToken: string } }>(
      t.a.url,
      COMPLETE,
      {
        ch: first.body.errors![0]!.extensions!.challenge,
        totp: nextCode(secret, t.a.clock, t.b.clock),
        t: 'BEARER',
      },
      ip(4),
    );
    const deviceToken = known.body.data!.completeLogin.deviceToken;
    for (let i = 0; i < FAILURES; i++) {
      await gql(t.a.url, LOGIN, { e: user.email, p: `wrong ${i}`, t: 'BEARER' }, ip(4));
    }
    const locked = await gql(t.a.url, LOGIN, { e: user.email, p: PASSWORD, t: 'BEARER' }, ip(4));
    expect(errorCode(locked)).toBe('RATE_LIMITED');
    const fromDevice = await gql(
      t.a.url,
      'mutation($e: String!, $p: String!, $d: String) { login(email: $e, password: $p, transport: BEARER, deviceToken: $d) { accessToken } }',
      { e: user.email, p: PASSWORD, d: deviceToken },
      ip(4),
    );
    expect(errorCode(fromDevice)).toBe('SECOND_FACTOR_REQUIRED');
    const done = await gql<{ completeLogin: { accessToken: string } | null }>(
      t.a.url,
      COMPLETE,
      {
        ch: fromDevice.body.errors![0]!.extensions!.challenge,
        totp: nextCode(secret, t.a.clock, t.b.clock),
        t: 'BEARER',
      },
      ip(4),
    );
    expect(done.body.data?.completeLogin?.accessToken).toEqual(expect.any(String));
  });
});
