import { errorCode, gql, type GqlResponse } from '../../support/client.js';
import { sql } from '../../support/database.js';
import { withClockAdvanced } from '../../support/clock.js';
import { useTestServer } from '../../support/server.js';
import { PASSWORD, registerBearer } from '../../support/users.js';
import { auditRows, dataOf, enrolPasskey, loginOptions } from './passkey-calls.js';

/*
 * A passkey as the second step after a password (completeLogin) and as a step-up proof (reauthenticate): the
 * assertion must come from a passkey of the account that gave its password, never from another account's.
 */

const ctx = useTestServer();

const LOGIN =
  'mutation($e: String!, $p: String!) { login(email: $e, password: $p, transport: BEARER) { accessToken } }';
const COMPLETE = `mutation($c: String!, $k: JSONObject!) {
  completeLogin(challenge: $c, passkey: $k, transport: BEARER) { user { id } session { id } accessToken }
}`;

/** A password login that must stop at the second step: its challenge and the factors offered. */
async function passwordStep(email: string): Promise<{ challenge: string; factors: string[] }> {
  const res: GqlResponse = await gql(ctx.server.url, LOGIN, { e: email, p: PASSWORD });
  expect(errorCode(res)).toBe('SECOND_FACTOR_REQUIRED');
  const extensions = res.body.errors![0]!.extensions!;
  return { challenge: extensions.challenge as string, factors: extensions.factors as string[] };
}

it('completes a password login with the account’s passkey (mfa), never with another account’s', async () => {
  const owner = await registerBearer(ctx.server.url);
  const other = await registerBearer(ctx.server.url);
  const { authenticator: ownKey } = await enrolPasskey(ctx.server.url, { token: owner.accessToken });
  const { authenticator: otherKey } = await enrolPasskey(ctx.server.url, { token: other.accessToken });

  const first = await passwordStep(owner.email);
  expect(first.factors).toContain('PASSKEY');
  const wrong = await gql(ctx.server.url, COMPLETE, {
    c: first.challenge,
    k: otherKey.get(await loginOptions(ctx.server.url)),
  });
  expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
  expect(wrong.body.data?.completeLogin ?? null).toBeNull();

  const second = await passwordStep(owner.email);
  const res = await gql<{ completeLogin: { user: { id: string }; session: { id: string } } }>(
    ctx.server.url,
    COMPLETE,
    { c: second.challenge, k: ownKey.get(await loginOptions(ctx.server.url)) },
  );
  const done = dataOf(res).completeLogin;
  expect(done.user.id).toBe(owner.userId);
  expect(await sql(ctx.db, 'select mfa from sessions where id = $1', [done.session.id])).toEqual([
    { mfa: true },
  ]);
  expect(await auditRows(ctx.db, 'SECOND_FACTOR_FAILED', owner.userId)).toHaveLength(1);
});

it('renews a stale session with the account’s passkey (reauthenticate), not with another account’s', async () => {
  const owner = await registerBearer(ctx.server.url);
  const other = await registerBearer(ctx.server.url);
  const { authenticator: ownKey } = await enrolPasskey(ctx.server.url, { token: owner.accessToken });
  const { authenticator: otherKey } = await enrolPasskey(ctx.server.url, { token: other.accessToken });
  const REAUTH = 'mutation($k: JSONObject!) { reauthenticate(passkey: $k) }';
  const OPTIONS = 'mutation { passkeyRegistrationOptions }';
  const caller = { token: owner.accessToken };

  await withClockAdvanced(ctx.server.clock, 700, async () => {
    expect(errorCode(await gql(ctx.server.url, OPTIONS, {}, caller))).toBe('REAUTHENTICATION_REQUIRED');
    const refused = await gql(
      ctx.server.url,
      REAUTH,
      { k: otherKey.get(await loginOptions(ctx.server.url)) },
      caller,
    );
    expect(errorCode(refused)).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(ctx.server.url, OPTIONS, {}, caller))).toBe('REAUTHENTICATION_REQUIRED');

    const renewed = await gql(
      ctx.server.url,
      REAUTH,
      { k: ownKey.get(await loginOptions(ctx.server.url)) },
      caller,
    );
    expect(renewed.body).toEqual({ data: { reauthenticate: true } });
    expect(errorCode(await gql(ctx.server.url, OPTIONS, {}, caller))).toBeUndefined();
  });
});
