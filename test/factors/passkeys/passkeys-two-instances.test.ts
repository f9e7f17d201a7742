import { errorCode, errorReason } from '../../support/client.js';
import { useTwoInstances } from '../../support/server.js';
import { registerBearer } from '../../support/users.js';
import { dataOf, enrolPasskey, loginOptions, loginWithPasskey } from './passkey-calls.js';

/*
 * Behind a load balancer the options and the answer may reach different instances: challenges live in the shared
 * database, and the first instance to see an answer spends its challenge for all of them.
 */

const ctx = useTwoInstances();

it('registers with options from A on B, signs in with options from B on A, and a replay on B is refused', async () => {
  expect.assertions(4);
  const user = await registerBearer(ctx.a.url);
  const caller = { token: user.accessToken };
  const { authenticator } = await enrolPasskey(ctx.a.url, caller, undefined, undefined, ctx.b.url);

  const response = authenticator.get(await loginOptions(ctx.b.url));
  const login = dataOf(await loginWithPasskey(ctx.a.url, response)).loginWithPasskey!;
  expect(login.user.id).toBe(user.userId);

  const replay = await loginWithPasskey(ctx.b.url, response);
  expect(errorCode(replay)).toBe('UNAUTHENTICATED');
  expect(errorReason(replay)).toBe('INVALID_CREDENTIALS');
  expect(replay.body.data?.loginWithPasskey ?? null).toBeNull();
});

it('spends a challenge once when both instances get the same answer at the same moment', async () => {
  const user = await registerBearer(ctx.a.url);
  const { authenticator } = await enrolPasskey(ctx.b.url, { token: user.accessToken });
  const response = authenticator.get(await loginOptions(ctx.a.url));
  const answers = await Promise.all([
    loginWithPasskey(ctx.a.url, response),
    loginWithPasskey(ctx.b.url, response),
    loginWithPasskey(ctx.a.url, response),
    loginWithPasskey(ctx.b.url, response),
  ]);
  const signedIn = answers.filter((res) => res.body.data?.loginWithPasskey);
  expect(signedIn).toHaveLength(1);
  expect(answers.filter((res) => errorCode(res) === 'UNAUTHENTICATED')).toHaveLength(3);
});
