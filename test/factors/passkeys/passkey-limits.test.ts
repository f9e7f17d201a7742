import { errorCode } from '../../support/client.js';
import { sql } from '../../support/database.js';
import { useTestServer } from '../../support/server.js';
import { LOGIN_OPTIONS, loginWithPasskey } from './passkey-calls.js';
import { gql } from '../../support/client.js';

/*
 * Passkey sign-in names no account, so it is bounded per IP: options (each writes a challenge row) and answers
 * both count against RATE_LIMIT_LOGIN_PER_IP, the budget password logins from that address share.
 */

const ctx = useTestServer({ env: { RATE_LIMIT_LOGIN_PER_IP: '3' } });

it('refuses options and answers past the per-IP login limit with 429 and Retry-After, audited', async () => {
  expect.assertions(6);
  for (let i = 0; i < 2; i++) expect(errorCode(await gql(ctx.server.url, LOGIN_OPTIONS))).toBeUndefined();
  // The third point is an answer (a bad one): counted like a wrong password.
  expect(errorCode(await loginWithPasskey(ctx.server.url, {}))).toBe('UNAUTHENTICATED');

  const options = await gql(ctx.server.url, LOGIN_OPTIONS);
  expect([options.status, errorCode(options), options.headers.get('retry-after')]).toEqual([
    429,
    'RATE_LIMITED',
    expect.stringMatching(/^\d+$/),
  ]);
  const answer = await loginWithPasskey(ctx.server.url, {});
  expect([answer.status, errorCode(answer)]).toEqual([429, 'RATE_LIMITED']);
  const limited = await sql(
    ctx.db,
    `select details->>'limit' as "limit" from audit_events where type = 'RATE_LIMITED'`,
  );
  expect(limited).toEqual([{ limit: 'login-ip' }, { limit: 'login-ip' }]);
});
