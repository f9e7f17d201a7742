import { createHash } from 'node:crypto';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { withClockAdvanced } from '../support/clock.js';
import { PASSWORD, registerBearer } from '../support/users.js';
import {
  call,
  CONFIRM_CHANGE,
  errorShape,
  INVALID_LINK_ERROR,
  linkIn,
  mailbox,
  mailEnv,
  REQUEST_RESET,
  REQUEST_VERIFICATION,
  RESET,
  VERIFY,
} from './lifecycle-support.js';

// Issue #13 / DESIGN §6.1: link tokens are 256 random bits, stored only as a hash, bound to one user and purpose,
// single use, expiring, voided by a newer request and by a password change; every bad one gets one answer.
let smtp: TestSmtpServer;
const t = useTestServer({
  env: async () => {
    smtp = await startSmtpServer();
    return mailEnv(smtp);
  },
});
afterAll(() => smtp?.stop());
const mail = () => mailbox(smtp);
const NEW_PASSWORD = 'another long passphrase';

/** Registers a user and returns the token of the verification link registration mailed. */
async function registered(box = mail()) {
  const user = await registerBearer(t.server.url);
  const { page, token } = linkIn(await box.next(user.email));
  expect(page).toBe('verify-email');
  return { user, token };
}

describe('link tokens', () => {
  it('are 256 random bits in the link, and only their SHA-256 is stored: no table, audit row or log holds one', async () => {
    const { user, token } = await registered();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
    const rows = await sql<Record<string, unknown>>(t.db, 'select * from link_tokens where user_id = $1', [
      user.userId,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      purpose: 'VERIFY_EMAIL',
      token_hash: createHash('sha256').update(token).digest('hex'),
      used_at: null,
    });
    await t.server.app.mail.drain();
    const everything = JSON.stringify([
      await sql(t.db, 'select * from link_tokens'),
      await sql(t.db, 'select * from audit_events'),
      await sql(t.db, 'select * from mail_outbox'),
    ]);
    expect(everything).not.toContain(token);
    expect(t.server.logs.join('\n')).not.toContain(token);
  });

  it('are single use: the second verifyEmail with one token is refused', async () => {
    const { user, token } = await registered();
    const first = await call(t.server.url, VERIFY, { t: token });
    expect(first.body).toEqual({ data: { verifyEmail: true } });
    const again = await call(t.server.url, VERIFY, { t: token });
    expect(errorShape(again)).toEqual(INVALID_LINK_ERROR);
    const rows = await sql(t.db, 'select used_at from link_tokens where user_id = $1', [user.userId]);
    expect(rows).toEqual([{ used_at: expect.any(Date) }]);
  });

  it('two concurrent spends of one token: exactly one wins', async () => {
    const { token } = await registered();
    const answers = await Promise.all([1, 2, 3].map(() => call(t.server.url, VERIFY, { t: token })));
    expect(answers.filter((r) => r.body.data?.verifyEmail === true)).toHaveLength(1);
    expect(answers.filter((r) => errorShape(r).reason === 'INVALID_LINK')).toHaveLength(2);
  });

  it('expire: a reset link is refused 30 minutes later (test clock), and not spent by the refusal', async () => {
    const box = mail();
    const { user } = await registered(box);
    await call(t.server.url, REQUEST_RESET, { e: user.email });
    const { token } = linkIn(await box.next(user.email));
    const late = await withClockAdvanced(t.server.clock, 30 * 60 + 1, () =>
      call(t.server.url, RESET, { t: token, p: NEW_PASSWORD }),
    );
    expect(errorShape(late)).toEqual(INVALID_LINK_ERROR);
    // Just inside the lifetime it still works.
    const inTime = await withClockAdvanced(t.server.clock, 30 * 60 - 5, () =>
      call(t.server.url, RESET, { t: token, p: NEW_PASSWORD }),
    );
    expect(inTime.body).toEqual({ data: { resetPassword: true } });
  });

  it('are bound to their purpose: a verification token resets no password and changes no address', async () => {
    const { token } = await registered();
    expect(errorShape(await call(t.server.url, RESET, { t: token, p: NEW_PASSWORD }))).toEqual(
      INVALID_LINK_ERROR,
    );
    expect(errorShape(await call(t.server.url, CONFIRM_CHANGE, { t: token }))).toEqual(INVALID_LINK_ERROR);
    // Refused for the wrong purpose without being spent: it still verifies.
    expect((await call(t.server.url, VERIFY, { t: token })).body).toEqual({ data: { verifyEmail: true } });
  });

  it('are voided by a newer request of the same purpose', async () => {
    const box = mail();
    const { user, token: first } = await registered(box);
    const resend = await call(t.server.url, REQUEST_VERIFICATION, {}, { token: user.accessToken });
    expect(resend.body).toEqual({ data: { requestEmailVerification: true } });
    const { token: second } = linkIn(await box.next(user.email));
    expect(second).not.toBe(first);
    expect(errorShape(await call(t.server.url, VERIFY, { t: first }))).toEqual(INVALID_LINK_ERROR);
    expect((await call(t.server.url, VERIFY, { t: second })).body).toEqual({ data: { verifyEmail: true } });
  });

  it('a reset link is voided by a password change', async () => {
    const box = mail();
    const { user } = await registered(box);
    await call(t.server.url, REQUEST_RESET, { e: user.email });
    const { token } = linkIn(await box.next(user.email));
    const changed = await call(
      t.server.url,
      'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }',
      { c: PASSWORD, n: NEW_PASSWORD },
      { token: user.accessToken },
    );
    expect(changed.body.data).toEqual({ changePassword: true });
    expect(
      errorShape(await call(t.server.url, RESET, { t: token, p: 'the attacker chose this one' })),
    ).toEqual(INVALID_LINK_ERROR);
  });

  it('every bad token gets one and the same answer', async () => {
    expect.assertions(10); // one in registered(), one per bad token
    const box = mail();
    const { user, token: spent } = await registered(box);
    await call(t.server.url, VERIFY, { t: spent });
    await call(t.server.url, REQUEST_RESET, { e: user.email });
    const { token: voided } = linkIn(await box.next(user.email));
    await call(t.server.url, REQUEST_RESET, { e: user.email });
    const { token: live } = linkIn(await box.next(user.email));
    const unknown = 'A'.repeat(43);
    const cases: [string, () => Promise<unknown>][] = [
      ['unknown', () => call(t.server.url, VERIFY, { t: unknown })],
      ['spent', () => call(t.server.url, VERIFY, { t: spent })],
      ['voided', () => call(t.server.url, RESET, { t: voided, p: NEW_PASSWORD })],
      ['wrong purpose', () => call(t.server.url, VERIFY, { t: live })],
      [
        'expired',
        () =>
          withClockAdvanced(t.server.clock, 3600, () =>
            call(t.server.url, RESET, { t: live, p: NEW_PASSWORD }),
          ),
      ],
      ['empty', () => call(t.server.url, CONFIRM_CHANGE, { t: '' })],
      ['too short', () => call(t.server.url, VERIFY, { t: 'abc' })],
      ['not base64url', () => call(t.server.url, VERIFY, { t: `${'!'.repeat(42)}=` })],
      ['huge', () => call(t.server.url, RESET, { t: 'x'.repeat(5000), p: NEW_PASSWORD })],
    ];
    for (const [, attempt] of cases) {
      expect(errorShape((await attempt()) as never)).toEqual(INVALID_LINK_ERROR);
    }
  });
});
