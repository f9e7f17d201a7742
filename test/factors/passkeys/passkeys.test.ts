import { CookieJar, errorCode, errorReason, gql } from '../../support/client.js';
import { sql } from '../../support/database.js';
import { withClockAdvanced } from '../../support/clock.js';
import { useTestServer } from '../../support/server.js';
import { SoftwareAuthenticator } from '../../support/software-authenticator.js';
import { loginCookie, registerBearer } from '../../support/users.js';
import {
  auditRows,
  dataOf,
  enrolPasskey,
  loginOptions,
  loginWithPasskey,
  MY_PASSKEYS,
  REGISTER,
  REGISTRATION_OPTIONS,
  RP_ORIGIN,
  type PasskeyView,
} from './passkey-calls.js';

/*
 * Passkeys over HTTP against a real server and database, with a software authenticator standing in for the
 * browser: registration needs a fresh login, sign-in is discoverable (no email), every refusal is the one
 * UNAUTHENTICATED/INVALID_CREDENTIALS, and the session a passkey opens counts as two factors.
 */

const ctx = useTestServer();

/** The members of PublicKeyCredentialCreationOptionsJSON these tests look at. */
interface CreationOptions extends Record<string, unknown> {
  rp: { id: string; name: string };
  user: { id: string; name: string };
  attestation: string;
  pubKeyCredParams: { alg: number }[];
  authenticatorSelection: Record<string, unknown>;
  excludeCredentials: unknown[];
}

const bearer = (token: string) => ({ token });
const sessionMfa = async (sessionId: string) =>
  (await sql<{ mfa: boolean }>(ctx.db, 'select mfa from sessions where id = $1', [sessionId]))[0]!.mfa;

/** Expects the generic sign-in refusal, and that no session was opened by it. */
async function expectRefused(response: unknown): Promise<void> {
  expect.hasAssertions();
  const before = await sql<{ n: string }>(ctx.db, 'select count(*) as n from sessions');
  const res = await loginWithPasskey(ctx.server.url, response);
  expect(res.status).toBe(200);
  expect(errorCode(res)).toBe('UNAUTHENTICATED');
  expect(errorReason(res)).toBe('INVALID_CREDENTIALS');
  expect(res.body.data?.loginWithPasskey ?? null).toBeNull();
  expect(res.headers.getSetCookie()).toEqual([]);
  expect(await sql<{ n: string }>(ctx.db, 'select count(*) as n from sessions')).toEqual(before);
}

describe('registration', () => {
  it('registers a discoverable, user-verified passkey with an opaque user handle, audited', async () => {
    const user = await registerBearer(ctx.server.url);
    const options = dataOf(
      await gql<{ passkeyRegistrationOptions: CreationOptions }>(
        ctx.server.url,
        REGISTRATION_OPTIONS,
        {},
        bearer(user.accessToken),
      ),
    ).passkeyRegistrationOptions;
    expect(options.rp).toEqual({ name: 'Gatehouse', id: 'localhost' });
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      userVerification: 'required',
    });
    expect(options.attestation).toBe('none');
    expect(options.pubKeyCredParams.map((p) => p.alg).sort((a, b) => a - b)).toEqual([-257, -8, -7]);
    expect(options.excludeCredentials).toEqual([]);
    // The user handle names the account without telling who it is: the id's bytes, never the email.
    expect(Buffer.from(options.user.id, 'base64url').toString('hex')).toBe(user.userId.replace(/-/g, ''));

    const authenticator = new SoftwareAuthenticator({ origin: RP_ORIGIN, backedUp: true });
    const response = authenticator.create(options);
    const res = await gql<{ registerPasskey: PasskeyView }>(
      ctx.server.url,
      REGISTER,
      { r: response, n: '  Laptop  ' },
      bearer(user.accessToken),
    );
    const passkey = dataOf(res).registerPasskey;
    expect(passkey).toMatchObject({ name: 'Laptop', lastUsedAt: null, backedUp: true });

    const [row] = await sql<Record<string, unknown>>(
      ctx.db,
      'select user_id, credential_id, counter::text as counter, transports from passkeys where id = $1',
      [passkey.id],
    );
    expect(row).toEqual({
      user_id: user.userId,
      credential_id: response.id,
      counter: '0',
      transports: ['internal'],
    });
    expect((await auditRows(ctx.db, 'PASSKEY_REGISTERED', user.userId)).map((r) => r.details)).toEqual([
      { passkeyId: passkey.id, backedUp: true },
    ]);

    // The same authenticator is then excluded from a second registration.
    const again = dataOf(
      await gql<{ passkeyRegistrationOptions: CreationOptions }>(
        ctx.server.url,
        REGISTRATION_OPTIONS,
        {},
        bearer(user.accessToken),
      ),
    ).passkeyRegistrationOptions;
    expect(again.excludeCredentials).toEqual([
      { id: response.id, type: 'public-key', transports: ['internal'] },
    ]);
  });

  it('needs a login within the last 10 minutes for the options', async () => {
    expect.assertions(3);
    const user = await registerBearer(ctx.server.url);
    const res = await withClockAdvanced(ctx.server.clock, 601, () =>
      gql(ctx.server.url, REGISTRATION_OPTIONS, {}, bearer(user.accessToken)),
    );
    expect(errorCode(res)).toBe('REAUTHENTICATION_REQUIRED');
    expect(res.body.data).toEqual({ passkeyRegistrationOptions: null });
    expect(await sql(ctx.db, `select 1 from webauthn_challenges where user_id = $1`, [user.userId])).toEqual(
      [],
    );
  });

  it('refuses an answer without user verification, from a foreign origin, or to spent options', async () => {
    expect.assertions(7);
    const user = await registerBearer(ctx.server.url);
    const options = async () =>
      dataOf(
        await gql<{ passkeyRegistrationOptions: Record<string, unknown> }>(
          ctx.server.url,
          REGISTRATION_OPTIONS,
          {},
          bearer(user.accessToken),
        ),
      ).passkeyRegistrationOptions;
    const authenticator = new SoftwareAuthenticator({ origin: RP_ORIGIN });
    const register = (response: unknown) =>
      gql(ctx.server.url, REGISTER, { r: response }, bearer(user.accessToken));

    const noUv = await register(authenticator.create(await options(), { userVerified: false }));
    expect(errorCode(noUv)).toBe('BAD_USER_INPUT');
    const foreign = await register(authenticator.create(await options(), { origin: 'https://evil.example' }));
    expect(errorCode(foreign)).toBe('BAD_USER_INPUT');

    const response = authenticator.create(await options());
    expect(errorCode(await register(response))).toBeUndefined();
    // The same answer again: its challenge was spent by the first.
    const replay = await register(response);
    expect(errorCode(replay)).toBe('BAD_USER_INPUT');
    expect(replay.body.errors?.[0]?.extensions?.field).toBe('response');

    // Another user cannot answer with options that were handed to this one.
    const other = await registerBearer(ctx.server.url);
    const stolen = authenticator.create(await options());
    expect(errorCode(await gql(ctx.server.url, REGISTER, { r: stolen }, bearer(other.accessToken)))).toBe(
      'BAD_USER_INPUT',
    );
    expect(await sql(ctx.db, 'select 1 from passkeys where user_id = $1', [other.userId])).toEqual([]);
  });

  it('refuses an anonymous caller', async () => {
    expect.assertions(2);
    expect(errorCode(await gql(ctx.server.url, REGISTRATION_OPTIONS))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(ctx.server.url, REGISTER, { r: {} }))).toBe('UNAUTHENTICATED');
  });
});

describe('managing passkeys', () => {
  it('lists, renames and removes your own passkeys only, audited; removal needs a fresh login', async () => {
    expect.assertions(9);
    const owner = await registerBearer(ctx.server.url);
    const { passkey: first } = await enrolPasskey(
      ctx.server.url,
      bearer(owner.accessToken),
      undefined,
      'Phone',
    );
    const { passkey: second } = await enrolPasskey(
      ctx.server.url,
      bearer(owner.accessToken),
      undefined,
      'Key',
    );
    const list = async (token: string) =>
      dataOf(await gql<{ myPasskeys: PasskeyView[] }>(ctx.server.url, MY_PASSKEYS, {}, bearer(token)))
        .myPasskeys;
    expect((await list(owner.accessToken)).map((p) => p.name).sort()).toEqual(['Key', 'Phone']);

    const RENAME = 'mutation($id: ID!, $n: String!) { renamePasskey(id: $id, name: $n) { id name } }';
    const renamed = await gql(
      ctx.server.url,
      RENAME,
      { id: first.id, n: 'Old phone' },
      bearer(owner.accessToken),
    );
    expect(renamed.body.data).toEqual({ renamePasskey: { id: first.id, name: 'Old phone' } });
    expect(
      errorCode(await gql(ctx.server.url, RENAME, { id: first.id, n: ' ' }, bearer(owner.accessToken))),
    ).toBe('BAD_USER_INPUT');

    const stranger = await registerBearer(ctx.server.url);
    expect(await list(stranger.accessToken)).toEqual([]);
    const REMOVE = 'mutation($id: ID!) { removePasskey(id: $id) }';
    const theirs = await gql(ctx.server.url, REMOVE, { id: second.id }, bearer(stranger.accessToken));
    expect(errorCode(theirs)).toBe('BAD_USER_INPUT');

    const stale = await withClockAdvanced(ctx.server.clock, 601, () =>
      gql(ctx.server.url, REMOVE, { id: second.id }, bearer(owner.accessToken)),
    );
    expect(errorCode(stale)).toBe('REAUTHENTICATION_REQUIRED');

    const removed = await gql(ctx.server.url, REMOVE, { id: second.id }, bearer(owner.accessToken));
    expect(removed.body).toEqual({ data: { removePasskey: true } });
    expect((await list(owner.accessToken)).map((p) => p.id)).toEqual([first.id]);
    const trail = async (type: string) => (await auditRows(ctx.db, type, owner.userId)).map((r) => r.details);
    expect([await trail('PASSKEY_RENAMED'), await trail('PASSKEY_REMOVED')]).toEqual([
      [{ passkeyId: first.id }],
      [{ passkeyId: second.id }],
    ]);
  });
});

describe('signing in with a passkey', () => {
  it.each(['BEARER', 'COOKIE'] as const)(
    '%s: discoverable options, a session with mfa answered like login, audited with the factor',
    async (transport) => {
      const user = await registerBearer(ctx.server.url);
      const { authenticator, passkey } = await enrolPasskey(ctx.server.url, bearer(user.accessToken));
      const options = await loginOptions(ctx.server.url);
      expect(options).toMatchObject({
        rpId: 'localhost',
        userVerification: 'required',
        allowCredentials: [],
      });

      const jar = new CookieJar();
      const res = await loginWithPasskey(ctx.server.url, authenticator.get(options), transport, { jar });
      const login = dataOf(res).loginWithPasskey!;
      expect(login.user).toEqual({ id: user.userId, email: user.email });
      expect(login.session).toMatchObject({ transport, current: true });
      if (transport === 'BEARER') {
        expect(login.accessToken).toEqual(expect.any(String));
        expect(login.refreshToken).toEqual(expect.any(String));
        expect(login.deviceToken).toEqual(expect.any(String));
        expect(jar.get('sid')).toBeUndefined();
      } else {
        expect([login.accessToken, login.refreshToken, login.deviceToken]).toEqual([null, null, null]);
        expect(jar.get('sid')).toEqual(expect.any(String));
      }
      // The new session is usable, and counts as two factors; a password login does not.
      const me = await gql<{ me: { id: string } }>(
        ctx.server.url,
        '{ me { id } }',
        {},
        transport === 'BEARER' ? bearer(login.accessToken!) : { jar },
      );
      expect(me.body.data?.me?.id).toBe(user.userId);
      expect(await sessionMfa(login.session.id)).toBe(true);
      expect(await sessionMfa(user.sessionId)).toBe(false);

      const [used] = dataOf(
        await gql<{ myPasskeys: PasskeyView[] }>(ctx.server.url, MY_PASSKEYS, {}, bearer(user.accessToken)),
      ).myPasskeys;
      expect(used!.lastUsedAt).toEqual(expect.any(String));
      expect(
        (await sql(ctx.db, 'select counter::text from passkeys where id = $1', [passkey.id]))[0],
      ).toEqual({
        counter: '1',
      });
      const [succeeded] = (await auditRows(ctx.db, 'LOGIN_SUCCEEDED', user.userId)).filter(
        (r) => r.session_id === login.session.id,
      );
      expect(succeeded!.details).toEqual({ transport, factor: 'PASSKEY', passkeyId: passkey.id });
    },
  );

  it('refuses a replayed assertion: its challenge is spent', async () => {
    const user = await registerBearer(ctx.server.url);
    const { authenticator } = await enrolPasskey(ctx.server.url, bearer(user.accessToken));
    const response = authenticator.get(await loginOptions(ctx.server.url));
    dataOf(await loginWithPasskey(ctx.server.url, response));
    await expectRefused(response);
  });

  it('refuses an assertion whose challenge expired (5 minutes)', async () => {
    const user = await registerBearer(ctx.server.url);
    const { authenticator } = await enrolPasskey(ctx.server.url, bearer(user.accessToken));
    const response = authenticator.get(await loginOptions(ctx.server.url));
    await withClockAdvanced(ctx.server.clock, 301, () => expectRefused(response));
  });

  it('refuses a challenge the server never issued, or issued for a registration', async () => {
    const user = await registerBearer(ctx.server.url);
    const { authenticator } = await enrolPasskey(ctx.server.url, bearer(user.accessToken));
    const options = await loginOptions(ctx.server.url);
    await expectRefused(authenticator.get(options, { challenge: Buffer.alloc(32, 7).toString('base64url') }));
    const registration = dataOf(
      await gql<{ passkeyRegistrationOptions: { challenge: string } }>(
        ctx.server.url,
        REGISTRATION_OPTIONS,
        {},
        bearer(user.accessToken),
      ),
    ).passkeyRegistrationOptions;
    await expectRefused(authenticator.get({ ...options, challenge: registration.challenge }));
  });

  it('refuses an assertion made on a foreign origin (phishing page), even on the same host', async () => {
    const user = await registerBearer(ctx.server.url);
    const { authenticator } = await enrolPasskey(ctx.server.url, bearer(user.accessToken));
    await expectRefused(
      authenticator.get(await loginOptions(ctx.server.url), { origin: 'https://evil.example' }),
    );
    await expectRefused(
      authenticator.get(await loginOptions(ctx.server.url), { origin: 'http://localhost:5173' }),
    );
  });

  it('refuses an assertion without user verification (possession alone is one factor)', async () => {
    const user = await registerBearer(ctx.server.url);
    const { authenticator } = await enrolPasskey(ctx.server.url, bearer(user.accessToken));
    await expectRefused(authenticator.get(await loginOptions(ctx.server.url), { userVerified: false }));
  });

  it('refuses a user handle that is not the credential owner’s, or none at all', async () => {
    const user = await registerBearer(ctx.server.url);
    const other = await registerBearer(ctx.server.url);
    const { authenticator } = await enrolPasskey(ctx.server.url, bearer(user.accessToken));
    const otherHandle = Buffer.from(other.userId.replace(/-/g, ''), 'hex').toString('base64url');
    await expectRefused(authenticator.get(await loginOptions(ctx.server.url), { userHandle: otherHandle }));
    await expectRefused(authenticator.get(await loginOptions(ctx.server.url), { userHandle: null }));
  });

  it('refuses a counter that does not increase (a cloned authenticator), audited as such', async () => {
    const user = await registerBearer(ctx.server.url);
    const { authenticator, passkey } = await enrolPasskey(ctx.server.url, bearer(user.accessToken));
    dataOf(await loginWithPasskey(ctx.server.url, authenticator.get(await loginOptions(ctx.server.url))));
    dataOf(await loginWithPasskey(ctx.server.url, authenticator.get(await loginOptions(ctx.server.url))));
    // The clone's copy of the key last signed with counter 1; the original has since reached 2.
    await expectRefused(authenticator.get(await loginOptions(ctx.server.url), { counter: 2 }));
    await expectRefused(authenticator.get(await loginOptions(ctx.server.url), { counter: 1 }));
    expect((await sql(ctx.db, 'select counter::text from passkeys where id = $1', [passkey.id]))[0]).toEqual({
      counter: '2',
    });
    const failures = (await auditRows(ctx.db, 'LOGIN_FAILED', user.userId)).map((r) => r.details);
    expect(failures).toEqual([
      { transport: 'BEARER', factor: 'PASSKEY', reason: 'COUNTER_NOT_INCREASED' },
      { transport: 'BEARER', factor: 'PASSKEY', reason: 'COUNTER_NOT_INCREASED' },
    ]);
  });

  it('accepts an authenticator that keeps no counter (synced passkeys report 0) every time', async () => {
    const user = await registerBearer(ctx.server.url);
    const synced = new SoftwareAuthenticator({ origin: RP_ORIGIN, counterStep: 0, backedUp: true });
    await enrolPasskey(ctx.server.url, bearer(user.accessToken), synced);
    for (let i = 0; i < 2; i++) {
      const login = dataOf(
        await loginWithPasskey(ctx.server.url, synced.get(await loginOptions(ctx.server.url))),
      );
      expect(login.loginWithPasskey!.user.id).toBe(user.userId);
    }
  });

  it('refuses a disabled user, and a removed passkey', async () => {
    const user = await registerBearer(ctx.server.url);
    const { authenticator, passkey } = await enrolPasskey(ctx.server.url, bearer(user.accessToken));
    await sql(ctx.db, 'update users set disabled_at = now() where id = $1', [user.userId]);
    await expectRefused(authenticator.get(await loginOptions(ctx.server.url)));
    expect((await auditRows(ctx.db, 'LOGIN_FAILED', user.userId)).map((r) => r.details)).toEqual([
      { transport: 'BEARER', factor: 'PASSKEY', reason: 'USER_DISABLED' },
    ]);
    await sql(ctx.db, 'update users set disabled_at = null where id = $1', [user.userId]);

    // Removed with the session of the registration a moment ago (fresh enough).
    const REMOVE = 'mutation($id: ID!) { removePasskey(id: $id) }';
    dataOf(await gql(ctx.server.url, REMOVE, { id: passkey.id }, bearer(user.accessToken)));
    await expectRefused(authenticator.get(await loginOptions(ctx.server.url)));
  });

  it('refuses garbage without an internal error', async () => {
    for (const response of [
      {},
      { id: 'x', response: { clientDataJSON: 'not base64!' } },
      { response: null },
    ]) {
      await expectRefused(response);
    }
  });

  it('signs in a cookie session on a browser that already has a password session, replacing it', async () => {
    const user = await registerBearer(ctx.server.url);
    const { jar, sessionId } = await loginCookie(ctx.server.url, user.email);
    const { authenticator } = await enrolPasskey(ctx.server.url, { jar });
    const res = await loginWithPasskey(
      ctx.server.url,
      authenticator.get(await loginOptions(ctx.server.url)),
      'COOKIE',
      { jar },
    );
    const login = dataOf(res).loginWithPasskey!;
    expect(login.session.id).not.toBe(sessionId);
    expect(await sessionMfa(login.session.id)).toBe(true);
    const [old] = await sql(ctx.db, 'select revoked_reason from sessions where id = $1', [sessionId]);
    expect(old).toEqual({ revoked_reason: 'REPLACED' });
  });
});
