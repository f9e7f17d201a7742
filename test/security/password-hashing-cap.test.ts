import { errorCode, gql } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { PASSWORD, registerBearer, uniqueEmail } from '../support/users.js';
import { linkIn, mailbox, mailEnv, REQUEST_RESET, RESET } from '../accounts/lifecycle-support.js';

// Issue 17: argon2 runs on libuv's pool; uncapped, parallel logins took every CPU from the event loop. At most
// PASSWORD_HASH_CONCURRENCY hashes/verifications run at once, PASSWORD_HASH_QUEUE more wait, and beyond that the
// caller is refused like a rate limit. The server runs in this process: the test uses the app's own hasher.
const CAP = 2;
const QUEUE = 2;

let smtp: TestSmtpServer;
const t = useTestServer({
  env: async () => {
    smtp = await startSmtpServer();
    return { ...mailEnv(smtp), PASSWORD_HASH_CONCURRENCY: String(CAP), PASSWORD_HASH_QUEUE: String(QUEUE) };
  },
});
afterAll(() => smtp?.stop());

/** How many refusals of password hashing the audit trail holds. */
async function busyAudits(): Promise<number> {
  await t.server.app.audit.settled();
  const rows = await sql<{ n: string }>(
    t.db,
    "select count(*) as n from audit_events where type = 'RATE_LIMITED' and details->>'limit' = 'password-hashing'",
  );
  return Number(rows[0]!.n);
}

const LOGIN =
  'mutation($e: String!, $p: String!) { login(email: $e, password: $p, transport: BEARER) { accessToken } }';
const REGISTER =
  'mutation($e: String!, $p: String!) { register(email: $e, password: $p, transport: BEARER) { accessToken } }';

/** Records how many argon2 operations were running each time one started. */
function watch() {
  const starts: number[] = [];
  const stop = t.server.app.passwords.observe((running) => starts.push(running));
  return { starts, stop };
}

/**
 * Keeps every slot and every queue place taken with hashes of the test's own until released: each finished hash
 * is followed by the next in the same microtask turn, before any request of the server can claim the slot.
 */
function occupyAll() {
  let holding = true;
  const loops = Array.from({ length: CAP + QUEUE }, async () => {
    while (holding) await t.server.app.passwords.hash('occupying a slot of the limiter');
  });
  return async () => {
    holding = false;
    await Promise.all(loops);
  };
}

describe('argon2 concurrency cap', () => {
  it(`never runs more than ${CAP} verifications at once, however many logins arrive together`, async () => {
    const { email } = await registerBearer(t.server.url);
    const { starts, stop } = watch();
    try {
      const answers = await Promise.all(
        Array.from({ length: CAP + QUEUE }, () => gql(t.server.url, LOGIN, { e: email, p: PASSWORD })),
      );
      for (const answer of answers) expect(answer.status).toBe(200);
    } finally {
      stop();
    }
    expect(starts).toHaveLength(CAP + QUEUE); // one verification per login, each through the limiter
    expect(Math.max(...starts)).toBeLessThanOrEqual(CAP);
  });

  it('refuses a login beyond the queue with RATE_LIMITED and Retry-After, for a known and an unknown email alike', async () => {
    const { email } = await registerBearer(t.server.url);
    const before = await busyAudits();
    const release = occupyAll();
    let known, unknown;
    try {
      known = await gql(t.server.url, LOGIN, { e: email, p: PASSWORD });
      unknown = await gql(t.server.url, LOGIN, { e: uniqueEmail('nobody'), p: PASSWORD });
    } finally {
      await release();
    }
    for (const answer of [known, unknown]) {
      expect(answer.status).toBe(429);
      expect(errorCode(answer)).toBe('RATE_LIMITED');
      expect(answer.headers.get('retry-after')).toBe('1');
    }
    // Audited like any rate limit; a login names no account before its password is checked.
    expect(await busyAudits()).toBe(before + 2);
    // Free again: the same login goes through.
    expect((await gql(t.server.url, LOGIN, { e: email, p: PASSWORD })).status).toBe(200);
  });

  it('refuses a registration beyond the queue the same way (its hash goes through the same limiter)', async () => {
    const before = await busyAudits();
    const release = occupyAll();
    let answer;
    try {
      answer = await gql(t.server.url, REGISTER, { e: uniqueEmail(), p: PASSWORD });
    } finally {
      await release();
    }
    expect(answer.status).toBe(429);
    expect(errorCode(answer)).toBe('RATE_LIMITED');
    expect(answer.body.errors?.[0]?.extensions?.retryAfter).toBe(1);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(await busyAudits()).toBe(before + 1);
  });

  it('refuses a password reset beyond the queue, audited for the link’s account, and the link still works after', async () => {
    expect.assertions(6);
    const box = mailbox(smtp);
    const { email, userId } = await registerBearer(t.server.url);
    await gql(t.server.url, REQUEST_RESET, { e: email });
    const { token } = linkIn(await box.next(email, 'reset-password'));
    const release = occupyAll();
    let refused;
    try {
      refused = await gql(t.server.url, RESET, { t: token, p: 'a fresh reset passphrase' });
    } finally {
      await release();
    }
    expect(refused.status).toBe(429);
    expect(errorCode(refused)).toBe('RATE_LIMITED');
    expect(refused.headers.get('retry-after')).toBe('1');
    await t.server.app.audit.settled();
    const audited = await sql<{ user_id: string }>(
      t.db,
      "select user_id from audit_events where type = 'RATE_LIMITED' and details->>'limit' = 'password-hashing' and user_id = $1",
      [userId],
    );
    expect(audited).toHaveLength(1);
    // Refused before the token was spent: the same link sets the password once hashing has room again.
    const done = await gql(t.server.url, RESET, { t: token, p: 'a fresh reset passphrase' });
    expect(done.body).toEqual({ data: { resetPassword: true } });
    const login = await gql(t.server.url, LOGIN, { e: email, p: 'a fresh reset passphrase' });
    expect(login.body.errors).toBeUndefined();
  });
});
