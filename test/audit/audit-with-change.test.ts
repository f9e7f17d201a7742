import { errorCode, gql } from '../support/client.js';
import { sql } from '../support/database.js';
import { withClockAdvanced } from '../support/clock.js';
import { useTestServer } from '../support/server.js';
import { loginBearer, makeAdmin, PASSWORD, registerBearer, uniqueEmail } from '../support/users.js';

/*
 * STYLE rule 17: a change and its audit event commit in one transaction, so nothing is revoked, rotated or
 * changed without its row in the trail. Each test makes the database refuse one type of audit row (a trigger),
 * runs the flow, and checks that the change it audits did not happen either.
 */
const t = useTestServer({ env: { RATE_LIMIT_REFRESH_PER_SESSION: '1000000' } });

beforeAll(async () => {
  await sql(t.db, 'create table refused_audit_types (type text primary key)');
  await sql(
    t.db,
    `create function refuse_audit() returns trigger language plpgsql as $$
     begin
       if exists (select 1 from refused_audit_types where type = new.type) then
         raise exception 'the test refuses % audit rows', new.type;
       end if;
       return new;
     end $$`,
  );
  await sql(
    t.db,
    'create trigger refuse_audit before insert on audit_events for each row execute function refuse_audit()',
  );
});

/** Runs `work` while the database refuses audit rows of `type`. */
async function refusingAudit<T>(type: string, work: () => Promise<T>): Promise<T> {
  await sql(t.db, 'insert into refused_audit_types (type) values ($1)', [type]);
  try {
    return await work();
  } finally {
    await sql(t.db, 'delete from refused_audit_types where type = $1', [type]);
  }
}

const liveSessions = async (userId: string) =>
  Number(
    (
      await sql<{ n: string }>(
        t.db,
        'select count(*) as n from sessions where user_id = $1 and revoked_at is null',
        [userId],
      )
    )[0]!.n,
  );

const REFRESH = 'mutation($t: String!) { refresh(refreshToken: $t) { refreshToken } }';

async function anAdmin() {
  const admin = await registerBearer(t.server.url, uniqueEmail('admin'));
  await makeAdmin(t.db, admin.userId);
  return loginBearer(t.server.url, admin.email);
}

describe('an audit row that cannot be written undoes the change it records', () => {
  it('logout: the session stays live', async () => {
    const user = await registerBearer(t.server.url);
    const res = await refusingAudit('LOGOUT', () =>
      gql(t.server.url, 'mutation { logout }', {}, { token: user.accessToken }),
    );
    expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
    expect(await liveSessions(user.userId)).toBe(1);
    const me = await gql<{ me: { id: string } }>(
      t.server.url,
      '{ me { id } }',
      {},
      { token: user.accessToken },
    );
    expect(me.body.data?.me.id).toBe(user.userId);
  });

  it('logoutAll: every session stays live', async () => {
    const user = await registerBearer(t.server.url);
    await loginBearer(t.server.url, user.email);
    const res = await refusingAudit('LOGOUT', () =>
      gql(t.server.url, 'mutation { logoutAll }', {}, { token: user.accessToken }),
    );
    expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
    expect(await liveSessions(user.userId)).toBe(2);
  });

  it('revokeSession: the session stays live', async () => {
    const user = await registerBearer(t.server.url);
    const other = await loginBearer(t.server.url, user.email);
    const res = await refusingAudit('SESSION_REVOKED', () =>
      gql(
        t.server.url,
        'mutation($id: ID!) { revokeSession(id: $id) }',
        { id: other.sessionId },
        { token: user.accessToken },
      ),
    );
    expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
    expect(await liveSessions(user.userId)).toBe(2);
  });

  it('revokeUserSessions: the user’s sessions stay live', async () => {
    const admin = await anAdmin();
    const user = await registerBearer(t.server.url);
    const res = await refusingAudit('SESSION_REVOKED', () =>
      gql(
        t.server.url,
        'mutation($u: ID!) { revokeUserSessions(userId: $u) }',
        { u: user.userId },
        { token: admin.accessToken },
      ),
    );
    expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
    expect(await liveSessions(user.userId)).toBe(1);
  });

  it('setUserRoles: the roles stay as they were', async () => {
    const admin = await anAdmin();
    const user = await registerBearer(t.server.url);
    const res = await refusingAudit('ROLES_CHANGED', () =>
      gql(
        t.server.url,
        'mutation($u: ID!) { setUserRoles(userId: $u, roles: [ADMIN, USER]) { id } }',
        { u: user.userId },
        { token: admin.accessToken },
      ),
    );
    expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
    expect(await sql(t.db, 'select roles from users where id = $1', [user.userId])).toEqual([
      { roles: ['USER'] },
    ]);
  });

  it('changePassword: the old password still works and no session ended', async () => {
    const user = await registerBearer(t.server.url);
    const res = await refusingAudit('PASSWORD_CHANGED', () =>
      gql(
        t.server.url,
        'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }',
        { c: PASSWORD, n: 'a brand new passphrase' },
        { token: user.accessToken },
      ),
    );
    expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
    expect(await liveSessions(user.userId)).toBe(1);
    expect((await loginBearer(t.server.url, user.email, PASSWORD)).userId).toBe(user.userId);
  });

  it('refresh: the refresh token is not spent', async () => {
    const user = await registerBearer(t.server.url);
    const res = await refusingAudit('TOKEN_REFRESHED', () =>
      gql(t.server.url, REFRESH, { t: user.refreshToken }),
    );
    expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
    const tokens = await sql<{ used_at: Date | null }>(
      t.db,
      'select r.used_at from refresh_tokens r where r.session_id = $1',
      [user.sessionId],
    );
    expect(tokens).toEqual([{ used_at: null }]);
  });

  it('a reused refresh token: the session is not revoked without its REFRESH_TOKEN_REUSED row', async () => {
    const user = await registerBearer(t.server.url);
    expect((await gql(t.server.url, REFRESH, { t: user.refreshToken })).body.data).toBeTruthy();
    // Past the reuse grace, a second spend of the same token is taken for theft.
    const res = await withClockAdvanced(t.server.clock, 120, () =>
      refusingAudit('REFRESH_TOKEN_REUSED', () => gql(t.server.url, REFRESH, { t: user.refreshToken })),
    );
    expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
    expect(await liveSessions(user.userId)).toBe(1);
  });

  it('register: no account is left without its REGISTERED row', async () => {
    const email = uniqueEmail('unaudited');
    const res = await refusingAudit('REGISTERED', () =>
      gql(
        t.server.url,
        'mutation($e: String!, $p: String!) { register(email: $e, password: $p, transport: BEARER) { user { id } } }',
        { e: email, p: PASSWORD },
      ),
    );
    expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
    expect(await sql(t.db, 'select id from users where email = $1', [email])).toEqual([]);
  });
});
