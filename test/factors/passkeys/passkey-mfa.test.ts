import { Query, Resolver } from 'type-graphql';
import { Auth } from '../../../src/authz/decorators.js';
import type { GatehouseModule } from '../../../src/module.js';
import { CookieJar, errorCode, errorReason, gql } from '../../support/client.js';
import { useTestServer } from '../../support/server.js';
import { registerBearer } from '../../support/users.js';
import { dataOf, enrolPasskey, loginOptions, loginWithPasskey } from './passkey-calls.js';

/*
 * A passkey sign-in counts as two factors: a field declared `@auth(mfa: true)` refuses the password session that
 * registered the passkey (FORBIDDEN, MFA_REQUIRED) and serves the session the passkey opened, on both transports.
 */

@Resolver()
class VaultResolver {
  @Auth({ mfa: true })
  @Query(() => String, { nullable: true })
  vault(): string {
    return 'open';
  }
}

const vaultModule: GatehouseModule = {
  name: 'vault',
  resolvers: [VaultResolver],
  entities: [],
  migrations: [],
};
const ctx = useTestServer({ modules: [vaultModule] });

it.each(['BEARER', 'COOKIE'] as const)(
  '%s: a passkey session passes @auth(mfa: true), a password one does not',
  async (transport) => {
    const user = await registerBearer(ctx.server.url);
    const password = await gql(ctx.server.url, '{ vault }', {}, { token: user.accessToken });
    expect([errorCode(password), errorReason(password), password.body.data]).toEqual([
      'FORBIDDEN',
      'MFA_REQUIRED',
      { vault: null },
    ]);

    const { authenticator } = await enrolPasskey(ctx.server.url, { token: user.accessToken });
    const jar = new CookieJar();
    const login = dataOf(
      await loginWithPasskey(
        ctx.server.url,
        authenticator.get(await loginOptions(ctx.server.url)),
        transport,
        { jar },
      ),
    ).loginWithPasskey!;
    const caller = transport === 'BEARER' ? { token: login.accessToken! } : { jar };
    expect((await gql(ctx.server.url, '{ vault }', {}, caller)).body).toEqual({ data: { vault: 'open' } });
  },
);
