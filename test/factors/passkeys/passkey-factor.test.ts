import { createPasskeyFactor } from '../../../src/factors/passkeys/passkey-factor.js';
import type { Em } from '../../../src/db/types.js';
import { createLogger } from '../../../src/logger.js';
import { sql } from '../../support/database.js';
import { useTestServer } from '../../support/server.js';
import { registerBearer } from '../../support/users.js';
import { enrolPasskey, loginOptions, RP_ORIGIN } from './passkey-calls.js';

/*
 * The passkey factor the two-step login, step-up and the ADMIN factor reset call: run against the server's own
 * database, with passkeys registered and options issued over HTTP as a client would.
 */

const ctx = useTestServer();
const factor = () =>
  createPasskeyFactor({
    webauthn: { rpId: 'localhost', origins: [RP_ORIGIN] },
    clock: ctx.server.clock,
    logger: createLogger('silent'),
  });
const em = () => ctx.server.app.db.orm.em.fork() as Em;

it('verifies an assertion for its owner once, and never for another user', async () => {
  const owner = await registerBearer(ctx.server.url);
  const other = await registerBearer(ctx.server.url);
  const { authenticator, passkey } = await enrolPasskey(ctx.server.url, { token: owner.accessToken });
  await enrolPasskey(ctx.server.url, { token: other.accessToken });

  // Another user's credential: refused, and its challenge is spent all the same.
  const stolen = authenticator.get(await loginOptions(ctx.server.url));
  expect(await factor().verifyForUser(em(), other.userId, stolen)).toEqual({ ok: false });
  expect(await factor().verifyForUser(em(), owner.userId, stolen)).toEqual({ ok: false });

  const own = authenticator.get(await loginOptions(ctx.server.url));
  expect(await factor().verifyForUser(em(), owner.userId, own)).toEqual({ ok: true, passkeyId: passkey.id });
  expect(await factor().verifyForUser(em(), owner.userId, own)).toEqual({ ok: false });

  // A step-up may come without a user handle (the account is known): accepted; a wrong one is not.
  const bare = authenticator.get(await loginOptions(ctx.server.url), { userHandle: null });
  expect(await factor().verifyForUser(em(), owner.userId, bare)).toEqual({ ok: true, passkeyId: passkey.id });
  const wrongHandle = Buffer.from(other.userId.replace(/-/g, ''), 'hex').toString('base64url');
  const misnamed = authenticator.get(await loginOptions(ctx.server.url), { userHandle: wrongHandle });
  expect(await factor().verifyForUser(em(), owner.userId, misnamed)).toEqual({ ok: false });
  expect(await factor().verifyForUser(em(), owner.userId, 'not a response')).toEqual({ ok: false });
});

it('counts and removes all of a user’s passkeys, leaving others’', async () => {
  const owner = await registerBearer(ctx.server.url);
  const other = await registerBearer(ctx.server.url);
  await enrolPasskey(ctx.server.url, { token: owner.accessToken });
  await enrolPasskey(ctx.server.url, { token: owner.accessToken });
  await enrolPasskey(ctx.server.url, { token: other.accessToken });
  expect(await factor().count(em(), owner.userId)).toBe(2);
  expect(await factor().removeAll(em(), owner.userId)).toBe(2);
  expect(await factor().count(em(), owner.userId)).toBe(0);
  expect(await sql(ctx.db, 'select 1 from passkeys where user_id = $1', [other.userId])).toHaveLength(1);
});
