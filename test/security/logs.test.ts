import { CookieJar, gql } from '../support/client.js';
import { useTestServer } from '../support/server.js';
import { uniqueEmail } from '../support/users.js';

// OWASP Logging cheat sheet / ASVS V7.1.1: credentials, tokens and session ids are never logged. Every flow runs
// with canary values and the captured log output must not contain any of them.
const t = useTestServer({ env: { LOG_LEVEL: 'trace' } });

describe('logs', () => {
  it('never contain a password, token or cookie, at any log level', async () => {
    const canaryPassword = 'canary-password-7f3a9c';
    const canaryNewPassword = 'canary-new-password-b81e2d';
    const email = uniqueEmail('canary');
    const secrets: string[] = [canaryPassword, canaryNewPassword];
    const AUTH = `user { id } accessToken refreshToken`;

    const reg = await gql<{ register: { accessToken: string; refreshToken: string } }>(
      t.server.url,
      `mutation($e: String!, $p: String!) { register(email: $e, password: $p, transport: BEARER) { ${AUTH} } }`,
      { e: email, p: canaryPassword },
    );
    const { accessToken, refreshToken } = reg.body.data!.register;
    secrets.push(accessToken, refreshToken);
    await gql(t.server.url, '{ me { id email } mySessions { id } }', {}, { token: accessToken });
    const refreshed = await gql<{ refresh: { accessToken: string; refreshToken: string } }>(
      t.server.url,
      'mutation($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken } }',
      { t: refreshToken },
    );
    secrets.push(refreshed.body.data!.refresh.accessToken, refreshed.body.data!.refresh.refreshToken);
    // Failures log too: a wrong password, a bad token, a reused refresh token.
    await gql(
      t.server.url,
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { id } } }',
      {
        e: email,
        p: `${canaryPassword}-wrong`,
      },
    );
    await gql(t.server.url, '{ me { id } }', {}, { token: `${accessToken}tampered` });

    const jar = new CookieJar();
    await gql(
      t.server.url,
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { id } } }',
      { e: email, p: canaryPassword },
      { jar },
    );
    const cookie = jar.get('sid')!;
    secrets.push(cookie, decodeURIComponent(cookie).slice(2).split('.')[0]!);
    await gql(
      t.server.url,
      'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }',
      { c: canaryPassword, n: canaryNewPassword },
      { jar },
    );
    await gql(t.server.url, 'mutation { logout }', {}, { jar });

    const output = t.server.logs.join('\n');
    expect(output.length).toBeGreaterThan(0);
    expect(output).toMatch(/"audit":"LOGIN_SUCCEEDED"/); // security events are logged…
    expect(output).toMatch(/"reqId":"[0-9a-f-]{36}"/); // …with a request id
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
