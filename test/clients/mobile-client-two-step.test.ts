import { GatehouseError, MobileClient, SecondFactorRequiredError } from '../../examples/mobile-client.js';
import { useTestServer } from '../support/server.js';
import { PASSWORD, registerBearer } from '../support/users.js';
import { enrolTotp, nextCode } from '../factors/factor-helpers.js';

// The mobile example's two-step login: login throws SecondFactorRequiredError, the app asks for a code, and
// completeLogin signs in (a wrong code means starting again with the password).
const t = useTestServer();

async function userWithTotp() {
  const user = await registerBearer(t.server.url);
  const { secret, recoveryCodes } = await enrolTotp(
    t.server.url,
    { token: user.accessToken },
    t.server.clock,
  );
  return { ...user, secret, recoveryCodes };
}

const client = () => new MobileClient({ url: t.server.url, fetch });

it('asks for a second factor, then signs in with a TOTP code', async () => {
  expect.assertions(5);
  const user = await userWithTotp();
  const app = client();
  const asked = await app.login(user.email, PASSWORD).catch((error: unknown) => error);
  expect(asked).toBeInstanceOf(SecondFactorRequiredError);
  expect((asked as SecondFactorRequiredError).factors).toEqual(['TOTP', 'RECOVERY_CODE']);
  expect(app.loggedIn).toBe(false);
  const code = nextCode(user.secret, t.server.clock);
  expect(await app.completeLogin((asked as SecondFactorRequiredError).challenge, { totp: code })).toEqual({
    userId: user.userId,
  });
  const me = await app.request<{ me: { id: string } }>('{ me { id } }');
  expect(me.me.id).toBe(user.userId);
});

it('signs in with a recovery code; a wrong code is an error and the challenge is spent', async () => {
  expect.assertions(3);
  const user = await userWithTotp();
  const app = client();
  const first = (await app.login(user.email, PASSWORD).catch((e: unknown) => e)) as SecondFactorRequiredError;
  const wrong = await app.completeLogin(first.challenge, { totp: '000000' }).catch((e: unknown) => e);
  expect(wrong).toBeInstanceOf(GatehouseError);
  const again = (await app.login(user.email, PASSWORD).catch((e: unknown) => e)) as SecondFactorRequiredError;
  await app.completeLogin(again.challenge, { recoveryCode: user.recoveryCodes[0]! });
  expect(app.loggedIn).toBe(true);
  expect((await app.request<{ me: { id: string } }>('{ me { id } }')).me.id).toBe(user.userId);
});
