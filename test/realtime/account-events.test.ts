import { createHash, randomBytes } from 'node:crypto';
import { gql } from '../support/client.js';
import { sql } from '../support/database.js';
import { openLive, SESSION_EVENTS, type LiveClient } from '../support/live.js';
import { useTestServer } from '../support/server.js';
import { loginBearer, makeAdmin, registerBearer, uniqueEmail, type BearerLogin } from '../support/users.js';
import { SESSION_EVENTS as SESSION_TOPIC } from '../../src/realtime/session-events.js';
import { enrolTotp, nextCode } from '../factors/factor-helpers.js';
import { enrolPasskey } from '../factors/passkeys/passkey-calls.js';

/*
 * DESIGN §6.3 `sessionEvents`, the account's own changes: an address that becomes verified (verifyEmail, and
 * confirmEmailChange's new address) is EMAIL_VERIFIED; a second factor turned on or off, recovery codes replaced,
 * a passkey added or removed, or an ADMIN's resetFactors is FACTOR_CHANGED. Every live socket of the user hears it
 * (sessionId: the session that acted, null when none of theirs did); nobody else's does.
 */

const ctx = useTestServer();

interface Heard {
  readonly type: string;
  readonly sessionId: string | null;
}

/** A socket of `login`'s session listening to its account's events (resolves once the server listens). */
async function listening(login: BearerLogin): Promise<LiveClient> {
  const socket = await openLive(ctx.server.url, { authorization: `Bearer ${login.accessToken}` });
  const count = ctx.server.app.live.events.pubSub.subscribed(SESSION_TOPIC, login.userId);
  socket.subscribe('events', SESSION_EVENTS);
  await count;
  return socket;
}

function events(socket: LiveClient): Heard[] {
  return socket.of('events').flatMap((m) => {
    const event = m.payload?.data?.sessionEvents as Heard | undefined;
    return event ? [{ type: event.type, sessionId: event.sessionId }] : [];
  });
}

/**
 * Everything the socket heard before a fresh event of its own (a new session of `login`'s user, whose
 * SESSION_STARTED is left out): the live channel delivers in commit order, so an event committed earlier is there
 * by then, and a missing one fails at once. No timer.
 */
async function heardBefore(socket: LiveClient, login: { readonly email: string }): Promise<Heard[]> {
  const { sessionId } = await loginBearer(ctx.server.url, login.email);
  const barrier = (e: Heard) => e.type === 'SESSION_STARTED' && e.sessionId === sessionId;
  await socket.until(() => events(socket).find(barrier), true);
  return events(socket).slice(0, events(socket).findIndex(barrier));
}

/** A user with a second session: `acting` acts over HTTP, `watching` listens on its socket; and a bystander. */
async function userWithTwoDevices() {
  const acting = await registerBearer(ctx.server.url);
  const watching = await loginBearer(ctx.server.url, acting.email);
  const socket = await listening(watching);
  const other = await registerBearer(ctx.server.url);
  const bystander = await listening(other);
  return { acting, watching, socket, other, bystander };
}

/** A live link token of `purpose` for `userId`, written in SQL (the mail is not what these tests are about). */
async function linkToken(userId: string, purpose: string, newEmail: string | null = null): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await sql(
    ctx.db,
    `insert into link_tokens (id, user_id, purpose, token_hash, new_email, created_at, expires_at)
     values (gen_random_uuid(), $1, $2, $3, $4, now(), now() + interval '1 hour')`,
    [userId, purpose, createHash('sha256').update(token).digest('hex'), newEmail],
  );
  return token;
}

async function closeAll(...sockets: LiveClient[]): Promise<void> {
  await Promise.all(sockets.map((s) => s.close()));
}

const RENAME = 'mutation($id: ID!) { renamePasskey(id: $id, name: "Laptop") { id } }';
const VERIFIED = { type: 'EMAIL_VERIFIED', sessionId: null };

describe('EMAIL_VERIFIED', () => {
  it('reaches every socket of the user when verifyEmail verifies the address, and no one else', async () => {
    const { acting, watching, socket, other, bystander } = await userWithTwoDevices();
    const token = await linkToken(acting.userId, 'VERIFY_EMAIL');
    const res = await gql(ctx.server.url, 'mutation($t: String!) { verifyEmail(token: $t) }', { t: token });
    expect(res.body.data).toEqual({ verifyEmail: true });
    expect(await heardBefore(socket, watching)).toEqual([VERIFIED]);
    expect(await heardBefore(bystander, other)).toEqual([]);
    await closeAll(socket, bystander);
  });

  it('is not told again when the address already was verified', async () => {
    const { acting, watching, socket, bystander } = await userWithTwoDevices();
    await sql(ctx.db, 'update users set email_verified_at = now() where id = $1', [acting.userId]);
    const token = await linkToken(acting.userId, 'VERIFY_EMAIL');
    const res = await gql(ctx.server.url, 'mutation($t: String!) { verifyEmail(token: $t) }', { t: token });
    expect(res.body.data).toEqual({ verifyEmail: true });
    expect(await heardBefore(socket, watching)).toEqual([]);
    await closeAll(socket, bystander);
  });

  it('reaches the user when confirmEmailChange makes the new address theirs (verified by the link)', async () => {
    const { acting, socket, other, bystander } = await userWithTwoDevices();
    const email = uniqueEmail('changed');
    const token = await linkToken(acting.userId, 'CHANGE_EMAIL', email);
    const res = await gql(ctx.server.url, 'mutation($t: String!) { confirmEmailChange(token: $t) }', {
      t: token,
    });
    expect(res.body.data).toEqual({ confirmEmailChange: true });
    expect(await heardBefore(socket, { email })).toEqual([VERIFIED]);
    expect(await heardBefore(bystander, other)).toEqual([]);
    await closeAll(socket, bystander);
  });
});

describe('FACTOR_CHANGED', () => {
  it('on confirmTotpEnrollment, regenerateRecoveryCodes and disableTotp, naming the acting session', async () => {
    const { acting, watching, socket, other, bystander } = await userWithTwoDevices();
    expect(watching.sessionId).not.toBe(acting.sessionId);
    const auth = { token: acting.accessToken };
    const changed = { type: 'FACTOR_CHANGED', sessionId: acting.sessionId };
    const { secret } = await enrolTotp(ctx.server.url, auth, ctx.server.clock);
    // (The barrier is a password login: it waits until TOTP is off again.)
    const regenerated = await gql(ctx.server.url, 'mutation { regenerateRecoveryCodes }', {}, auth);
    expect(regenerated.body.data?.regenerateRecoveryCodes).toHaveLength(10);
    const code = nextCode(secret, ctx.server.clock);
    const disabled = await gql(
      ctx.server.url,
      'mutation($c: String!) { disableTotp(code: $c) }',
      { c: code },
      auth,
    );
    expect(disabled.body.data).toEqual({ disableTotp: true });
    expect(await heardBefore(socket, watching)).toEqual([changed, changed, changed]);
    expect(await heardBefore(bystander, other)).toEqual([]);
    await closeAll(socket, bystander);
  });

  it('is not told for a wrong confirmation code (nothing committed)', async () => {
    const { acting, watching, socket, bystander } = await userWithTwoDevices();
    const auth = { token: acting.accessToken };
    await gql(ctx.server.url, 'mutation { startTotpEnrollment { secret } }', {}, auth);
    const res = await gql(ctx.server.url, 'mutation { confirmTotpEnrollment(code: "000000") }', {}, auth);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await heardBefore(socket, watching)).toEqual([]);
    await closeAll(socket, bystander);
  });

  it('on registerPasskey and removePasskey (not on renamePasskey), naming the acting session', async () => {
    const { acting, watching, socket, other, bystander } = await userWithTwoDevices();
    const auth = { token: acting.accessToken };
    const { passkey } = await enrolPasskey(ctx.server.url, auth);
    const renamed = await gql(ctx.server.url, RENAME, { id: passkey.id }, auth);
    expect(renamed.body.data).toEqual({ renamePasskey: { id: passkey.id } });
    const res = await gql(
      ctx.server.url,
      'mutation($id: ID!) { removePasskey(id: $id) }',
      { id: passkey.id },
      auth,
    );
    expect(res.body.data).toEqual({ removePasskey: true });
    // (The barrier is a password login: it waits until the passkey, a second factor, is gone again.)
    const changed = { type: 'FACTOR_CHANGED', sessionId: acting.sessionId };
    expect(await heardBefore(socket, watching)).toEqual([changed, changed]);
    expect(await heardBefore(bystander, other)).toEqual([]);
    await closeAll(socket, bystander);
  });

  it("on an ADMIN's resetFactors: the user hears it with no session named (the admin's is not theirs)", async () => {
    const { acting, watching, socket, bystander } = await userWithTwoDevices();
    await enrolTotp(ctx.server.url, { token: acting.accessToken }, ctx.server.clock);
    const boss = await registerBearer(ctx.server.url);
    await makeAdmin(ctx.db, boss.userId);
    const admin = await loginBearer(ctx.server.url, boss.email);
    const adminSocket = await listening(admin);
    const query = 'mutation($id: ID!) { resetFactors(userId: $id) }';
    const res = await gql(ctx.server.url, query, { id: acting.userId }, { token: admin.accessToken });
    expect(res.body.data).toEqual({ resetFactors: true });
    const heard = (await heardBefore(socket, watching)).filter((e) => e.type === 'FACTOR_CHANGED');
    expect(heard).toEqual([
      { type: 'FACTOR_CHANGED', sessionId: acting.sessionId },
      { type: 'FACTOR_CHANGED', sessionId: null },
    ]);
    expect(await heardBefore(adminSocket, admin)).toEqual([]);
    await closeAll(socket, bystander, adminSocket);
  });
});
