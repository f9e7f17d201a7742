import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { buildDeclaredSchema } from '../../src/schema.js';
import { readPolicies } from '../../src/authz/enforce.js';
import { gql, type GqlResponse } from '../support/client.js';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { SoftwareAuthenticator } from '../support/software-authenticator.js';
import { enrolTotp, nextCode, passwordStep } from '../factors/factor-helpers.js';
import { loginBearer, PASSWORD, registerBearer, uniqueEmail } from '../support/users.js';
import {
  anonymous,
  createPrincipal,
  expectData,
  expectDenied,
  LENIENT_LIMITS,
  LOGIN_REQUIRED,
  MISSING_ROLE,
  NOT_OWNER,
  signIn,
  TRANSPORTS,
  type Caller,
  type Denied,
  type Principal,
  type TransportName,
} from './callers.js';

/*
 * Who may call what, over HTTP against the real server: every protected root field and mutation, and the
 * protected fields below them (User.email, every Session field), for an anonymous caller, a USER, another USER
 * and an ADMIN, on both transports. Each cell logs in a new session, so mutations that end sessions or change a
 * password cannot disturb the next cell.
 */

type Who = 'anonymous' | 'USER' | 'another USER' | 'ADMIN';

interface Cast {
  /** The USER; the rows' "own" resources are hers. */
  readonly alice: Principal;
  /** Another USER. */
  readonly bob: Principal;
  readonly admin: Principal;
  /** A third user: the target of admin mutations and the owner of "someone else's" session. */
  readonly carol: Principal;
}

interface Cell {
  readonly who: Who;
  readonly transport: TransportName;
  readonly caller: Caller;
  /** The account behind the caller; undefined when anonymous. */
  readonly principal?: Principal;
  readonly cast: Cast;
  readonly vars: Record<string, unknown>;
}

// Typed loosely on purpose: each row knows the shape of its own answer.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Check = (data: any, cell: Cell) => void | Promise<void>;

interface Row {
  readonly title: string;
  /** The schema coordinates this row exercises (checked against the schema below: nothing is left out). */
  readonly covers: readonly string[];
  readonly query: string;
  readonly prepare?: (cell: Omit<Cell, 'vars'>) => Promise<Record<string, unknown>>;
  readonly expect: Readonly<Record<Who, Denied | Check>>;
}

let db: TestDatabase;
let server: TestServer;
let cast: Cast;

const sorted = (roles: string[]) => [...roles].sort();
const rolesOf = (who: Who) => (who === 'ADMIN' ? ['ADMIN', 'USER'] : ['USER']);
const revokedReason = async (sessionId: string) =>
  (
    await sql<{ revoked_reason: string | null }>(db, 'select revoked_reason from sessions where id = $1', [
      sessionId,
    ])
  )[0]?.revoked_reason;

const SESSION_FIELDS = [
  'id',
  'transport',
  'createdAt',
  'lastSeenAt',
  'expiresAt',
  'ip',
  'userAgent',
  'current',
];

/** The caller sees itself, email included (the owner of `User.email`). */
const seesSelf: Check = (data, { principal, who }) => {
  expect({ ...data.me, roles: sorted(data.me.roles) }).toEqual({
    id: principal!.userId,
    email: principal!.email,
    roles: rolesOf(who),
  });
};

/** A public auth mutation answered with a payload for `email`, whose session is the current one. */
const authPayloadFor =
  (field: string, email: (cell: Cell) => string): Check =>
  (data, cell) => {
    const payload = data[field];
    expect(payload.user.email).toBe(email(cell));
    expect(payload.session).toMatchObject({ transport: 'BEARER', current: true });
    expect(typeof payload.accessToken).toBe('string');
  };

/** Passkey options for the caller's account, on the test servers' relying party. */
const registrationOptionsFor: Check = (data, { principal }) => {
  const options = data.passkeyRegistrationOptions;
  expect(options.rp).toEqual({ name: 'Gatehouse', id: 'localhost' });
  expect(options.user.name).toBe(principal!.email);
};

const loginOptionsIssued: Check = (data) =>
  expect(data.passkeyLoginOptions).toMatchObject({ rpId: 'localhost', allowCredentials: [] });

/** The caller's new passkey; removed at once, so later password logins of the cast stay one-step. */
const registeredPasskey: Check = async (data) => {
  expect(data.registerPasskey.name).toBe('Matrix');
  await sql(db, 'delete from passkeys where id = $1', [data.registerPasskey.id]);
};

const renamedPasskey: Check = async (data, { vars }) => {
  expect(data).toEqual({ renamePasskey: { id: vars.id, name: 'Renamed' } });
  await sql(db, 'delete from passkeys where id = $1', [vars.id]);
};

/** A passkey row of the principal's written in SQL (its key is never used here); a random id when anonymous. */
async function storedPasskey(principal: Principal | undefined): Promise<string> {
  const id = randomUUID();
  if (!principal) return id;
  await sql(
    db,
    `insert into passkeys (id, user_id, credential_id, public_key, counter, transports, name, backed_up, created_at)
     values ($1, $2, $3, decode('00', 'hex'), 0, '{}', 'Stored', false, now())`,
    [id, principal.userId, randomBytes(16).toString('base64url')],
  );
  return id;
}

/** A pending TOTP enrolment for the caller: its secret. */
async function startTotp(caller: Caller): Promise<string> {
  const res = await caller.call<{ startTotpEnrollment: { secret: string } }>(
    'mutation { startTotpEnrollment { secret } }',
  );
  return res.body.data!.startTotpEnrollment.secret;
}

/** TOTP enabled for the caller (removed again by the row's check): its secret. */
async function totpOn(caller: Caller): Promise<string> {
  const secret = await startTotp(caller);
  await caller.call('mutation($c: String!) { confirmTotpEnrollment(code: $c) }', {
    c: nextCode(secret, server.clock),
  });
  return secret;
}

/** Removes the caller's TOTP and recovery codes, so the next cells log in with the password alone. */
async function dropFactors(userId: string): Promise<void> {
  await sql(db, 'delete from totp_factors where user_id = $1', [userId]);
  await sql(db, 'delete from recovery_codes where user_id = $1', [userId]);
}

const pendingTotp: Check = async (data, { principal }) => {
  expect(data.startTotpEnrollment.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
  await dropFactors(principal!.userId);
};

const recoveryCodesIssued =
  (field: string): Check =>
  async (data, { principal }) => {
    expect(data[field]).toHaveLength(10);
    await dropFactors(principal!.userId);
  };

/** The same check for every signed-in caller. */
function everyUser(check: Check): Partial<Row['expect']> {
  return { USER: check, 'another USER': check, ADMIN: check };
}

/** The same check for every caller, anonymous included (a public field). */
function everyone(check: Check): Row['expect'] {
  return { anonymous: check, USER: check, 'another USER': check, ADMIN: check };
}

/** A new user's live link token of `purpose`, written in SQL (the matrix checks who may spend it, not the mail). */
async function linkTokenOfNewUser(purpose: string, newEmail: string | null = null): Promise<string> {
  const { userId } = await createPrincipal(server.url, db);
  const token = randomBytes(32).toString('base64url');
  await sql(
    db,
    `insert into link_tokens (id, user_id, purpose, token_hash, new_email, created_at, expires_at)
     values (gen_random_uuid(), $1, $2, $3, $4, now(), now() + interval '1 hour')`,
    [userId, purpose, createHash('sha256').update(token).digest('hex'), newEmail],
  );
  return token;
}

const rows: Row[] = [
  {
    title: 'Query.me (and User.email of oneself)',
    covers: ['Query.me', 'User.email'],
    query: '{ me { id email roles } }',
    expect: {
      anonymous: (data) => expect(data).toEqual({ me: null }),
      USER: seesSelf,
      'another USER': seesSelf,
      ADMIN: seesSelf,
    },
  },
  {
    title: 'Query.mySessions (and every Session field, of one’s own sessions)',
    covers: ['Query.mySessions', ...SESSION_FIELDS.map((f) => `Session.${f}`)],
    query: `{ mySessions { ${SESSION_FIELDS.join(' ')} } }`,
    expect: {
      anonymous: LOGIN_REQUIRED,
      ...Object.fromEntries(
        (['USER', 'another USER', 'ADMIN'] as const).map((who) => [
          who,
          ((data, { caller, transport }) => {
            const current = data.mySessions.filter((s: { current: boolean }) => s.current);
            expect(current).toEqual([expect.objectContaining({ id: caller.sessionId, transport })]);
            for (const session of data.mySessions) expect(session.expiresAt).toEqual(expect.any(String));
          }) satisfies Check,
        ]),
      ),
    } as Row['expect'],
  },
  {
    title: 'Query.users (and User.email of everyone)',
    covers: ['Query.users', 'User.email'],
    query: '{ users { id email roles createdAt } }',
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: MISSING_ROLE,
      'another USER': MISSING_ROLE,
      ADMIN: (data, { cast }) => {
        const byId = new Map(data.users.map((u: { id: string; email: string }) => [u.id, u.email]));
        expect(byId.get(cast.alice.userId)).toBe(cast.alice.email);
        expect(byId.get(cast.bob.userId)).toBe(cast.bob.email);
      },
    },
  },
  {
    title: 'Query.user(id: the USER’s own id) (and User.email)',
    covers: ['Query.user', 'User.email'],
    query: 'query($id: ID!) { user(id: $id) { id email } }',
    prepare: async ({ cast }) => ({ id: cast.alice.userId }),
    expect: {
      anonymous: LOGIN_REQUIRED,
      // Even reading herself: `user` is an ADMIN tool; a USER has `me`.
      USER: MISSING_ROLE,
      'another USER': MISSING_ROLE,
      ADMIN: (data, { cast }) =>
        expect(data).toEqual({ user: { id: cast.alice.userId, email: cast.alice.email } }),
    },
  },
  {
    title: 'Query.auditEvents',
    covers: ['Query.auditEvents'],
    query: '{ auditEvents(limit: 5) { id type userId sessionId ip userAgent details createdAt } }',
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: MISSING_ROLE,
      'another USER': MISSING_ROLE,
      ADMIN: (data) => {
        expect(data.auditEvents.length).toBeGreaterThan(0);
        expect(data.auditEvents.length).toBeLessThanOrEqual(5);
      },
    },
  },
  {
    title: 'Mutation.logout',
    covers: ['Mutation.logout'],
    query: 'mutation { logout }',
    expect: {
      anonymous: LOGIN_REQUIRED,
      ...Object.fromEntries(
        (['USER', 'another USER', 'ADMIN'] as const).map((who) => [
          who,
          (async (data, { caller }) => {
            expect(data).toEqual({ logout: true });
            expect(await revokedReason(caller.sessionId!)).toBe('LOGOUT');
          }) satisfies Check,
        ]),
      ),
    } as Row['expect'],
  },
  {
    title: 'Mutation.logoutAll',
    covers: ['Mutation.logoutAll'],
    query: 'mutation { logoutAll }',
    expect: {
      anonymous: LOGIN_REQUIRED,
      ...Object.fromEntries(
        (['USER', 'another USER', 'ADMIN'] as const).map((who) => [
          who,
          (async (data, { caller }) => {
            expect(data.logoutAll).toBeGreaterThanOrEqual(1);
            expect(await revokedReason(caller.sessionId!)).toBe('LOGOUT_ALL');
          }) satisfies Check,
        ]),
      ),
    } as Row['expect'],
  },
  {
    title: 'Mutation.revokeSession(another session of the caller’s own)',
    covers: ['Mutation.revokeSession'],
    query: 'mutation($id: ID!) { revokeSession(id: $id) }',
    prepare: async ({ principal, cast }) => ({
      id: (await signIn(server.url, principal ?? cast.alice, 'BEARER')).sessionId,
    }),
    expect: {
      anonymous: LOGIN_REQUIRED,
      ...Object.fromEntries(
        (['USER', 'another USER', 'ADMIN'] as const).map((who) => [
          who,
          (async (data, { vars }) => {
            expect(data).toEqual({ revokeSession: true });
            expect(await revokedReason(vars.id as string)).toBe('REVOKED');
          }) satisfies Check,
        ]),
      ),
    } as Row['expect'],
  },
  {
    title: 'Mutation.revokeSession(someone else’s session)',
    covers: ['Mutation.revokeSession'],
    query: 'mutation($id: ID!) { revokeSession(id: $id) }',
    prepare: async ({ cast }) => ({ id: (await signIn(server.url, cast.carol, 'BEARER')).sessionId }),
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: NOT_OWNER,
      'another USER': NOT_OWNER,
      ADMIN: async (data, { vars }) => {
        expect(data).toEqual({ revokeSession: true });
        expect(await revokedReason(vars.id as string)).toBe('ADMIN_REVOKED');
      },
    },
  },
  {
    title: 'Mutation.changePassword',
    covers: ['Mutation.changePassword'],
    // The same password again keeps every principal's login working for the next cells.
    query: 'mutation($p: String!) { changePassword(currentPassword: $p, newPassword: $p) }',
    prepare: async () => ({ p: PASSWORD }),
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: (data) => expect(data).toEqual({ changePassword: true }),
      'another USER': (data) => expect(data).toEqual({ changePassword: true }),
      ADMIN: (data) => expect(data).toEqual({ changePassword: true }),
    },
  },
  {
    title: 'Mutation.setUserRoles (of a third user, to what they have)',
    covers: ['Mutation.setUserRoles', 'User.email'],
    query: 'mutation($id: ID!) { setUserRoles(userId: $id, roles: [USER]) { id email roles } }',
    prepare: async ({ cast }) => ({ id: cast.carol.userId }),
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: MISSING_ROLE,
      'another USER': MISSING_ROLE,
      ADMIN: (data, { cast }) =>
        expect(data).toEqual({
          setUserRoles: { id: cast.carol.userId, email: cast.carol.email, roles: ['USER'] },
        }),
    },
  },
  {
    title: 'Mutation.revokeUserSessions (of a third user)',
    covers: ['Mutation.revokeUserSessions'],
    query: 'mutation($id: ID!) { revokeUserSessions(userId: $id) }',
    prepare: async ({ cast }) => {
      await signIn(server.url, cast.carol, 'COOKIE');
      return { id: cast.carol.userId };
    },
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: MISSING_ROLE,
      'another USER': MISSING_ROLE,
      ADMIN: (data) => expect(data.revokeUserSessions).toBeGreaterThanOrEqual(1),
    },
  },
  {
    title: 'Mutation.disableUser (of a new user)',
    covers: ['Mutation.disableUser', 'User.disabled'],
    query: 'mutation($id: ID!) { disableUser(userId: $id) { id disabled } }',
    prepare: async () => ({ id: (await createPrincipal(server.url, db)).userId }),
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: MISSING_ROLE,
      'another USER': MISSING_ROLE,
      ADMIN: (data, { vars }) => expect(data).toEqual({ disableUser: { id: vars.id, disabled: true } }),
    },
  },
  {
    title: 'Mutation.enableUser (of a disabled user)',
    covers: ['Mutation.enableUser', 'User.disabled'],
    query: 'mutation($id: ID!) { enableUser(userId: $id) { id disabled } }',
    prepare: async () => {
      const { userId } = await createPrincipal(server.url, db);
      await sql(db, 'update users set disabled_at = now() where id = $1', [userId]);
      return { id: userId };
    },
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: MISSING_ROLE,
      'another USER': MISSING_ROLE,
      ADMIN: (data, { vars }) => expect(data).toEqual({ enableUser: { id: vars.id, disabled: false } }),
    },
  },
  {
    title: 'Mutation.deleteUser (of a new user)',
    covers: ['Mutation.deleteUser'],
    query: 'mutation($id: ID!) { deleteUser(userId: $id) }',
    prepare: async () => ({ id: (await createPrincipal(server.url, db)).userId }),
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: MISSING_ROLE,
      'another USER': MISSING_ROLE,
      ADMIN: (data) => expect(data).toEqual({ deleteUser: true }),
    },
  },
  {
    title: 'Mutation.register (public; User.email and Session of the new account)',
    covers: ['Mutation.register', 'User.email', 'Session.id', 'Session.transport', 'Session.current'],
    query: `mutation($email: String!, $p: String!) {
      register(email: $email, password: $p, transport: BEARER) { user { id email } session { id transport current } accessToken }
    }`,
    prepare: async () => ({ email: uniqueEmail('new'), p: PASSWORD }),
    expect: Object.fromEntries(
      (['anonymous', 'USER', 'another USER', 'ADMIN'] as const).map((who) => [
        who,
        authPayloadFor('register', ({ vars }) => vars.email as string),
      ]),
    ) as Row['expect'],
  },
  {
    title: 'Mutation.login (public)',
    covers: ['Mutation.login', 'User.email', 'Session.id', 'Session.transport', 'Session.current'],
    query: `mutation($email: String!, $p: String!) {
      login(email: $email, password: $p, transport: BEARER) { user { id email } session { id transport current } accessToken }
    }`,
    prepare: async ({ cast }) => ({ email: cast.carol.email, p: PASSWORD }),
    expect: Object.fromEntries(
      (['anonymous', 'USER', 'another USER', 'ADMIN'] as const).map((who) => [
        who,
        authPayloadFor('login', ({ cast }) => cast.carol.email),
      ]),
    ) as Row['expect'],
  },
  {
    title: 'Mutation.refresh (public)',
    covers: ['Mutation.refresh', 'User.email', 'Session.id', 'Session.transport', 'Session.current'],
    query: `mutation($t: String!) {
      refresh(refreshToken: $t) { user { id email } session { id transport current } accessToken }
    }`,
    prepare: async ({ cast }) => ({ t: (await loginBearer(server.url, cast.carol.email)).refreshToken }),
    expect: Object.fromEntries(
      (['anonymous', 'USER', 'another USER', 'ADMIN'] as const).map((who) => [
        who,
        authPayloadFor('refresh', ({ cast }) => cast.carol.email),
      ]),
    ) as Row['expect'],
  },
  {
    title: 'Query.myPasskeys',
    covers: ['Query.myPasskeys'],
    query: '{ myPasskeys { id name createdAt lastUsedAt backedUp } }',
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: (data) => expect(data).toEqual({ myPasskeys: [] }),
      'another USER': (data) => expect(data).toEqual({ myPasskeys: [] }),
      ADMIN: (data) => expect(data).toEqual({ myPasskeys: [] }),
    },
  },
  {
    title: 'Mutation.passkeyRegistrationOptions (fresh: 600)',
    covers: ['Mutation.passkeyRegistrationOptions'],
    query: 'mutation { passkeyRegistrationOptions }',
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: registrationOptionsFor,
      'another USER': registrationOptionsFor,
      ADMIN: registrationOptionsFor,
    },
  },
  {
    title: 'Mutation.registerPasskey (for oneself; removed again so password logins stay one-step)',
    covers: ['Mutation.registerPasskey'],
    query: 'mutation($r: JSONObject!) { registerPasskey(response: $r, name: "Matrix") { id name } }',
    prepare: async ({ caller, principal }) => {
      if (!principal) return { r: {} };
      const res = await caller.call<{ passkeyRegistrationOptions: Record<string, unknown> }>(
        'mutation { passkeyRegistrationOptions }',
      );
      const authenticator = new SoftwareAuthenticator({ origin: 'http://localhost:4000' });
      return { r: authenticator.create(expectData(res).passkeyRegistrationOptions) };
    },
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: registeredPasskey,
      'another USER': registeredPasskey,
      ADMIN: registeredPasskey,
    },
  },
  {
    title: 'Mutation.renamePasskey (one’s own)',
    covers: ['Mutation.renamePasskey'],
    query: 'mutation($id: ID!) { renamePasskey(id: $id, name: "Renamed") { id name } }',
    prepare: async ({ principal }) => ({ id: await storedPasskey(principal) }),
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: renamedPasskey,
      'another USER': renamedPasskey,
      ADMIN: renamedPasskey,
    },
  },
  {
    title: 'Mutation.removePasskey (one’s own; fresh: 600)',
    covers: ['Mutation.removePasskey'],
    query: 'mutation($id: ID!) { removePasskey(id: $id) }',
    prepare: async ({ principal }) => ({ id: await storedPasskey(principal) }),
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: (data) => expect(data).toEqual({ removePasskey: true }),
      'another USER': (data) => expect(data).toEqual({ removePasskey: true }),
      ADMIN: (data) => expect(data).toEqual({ removePasskey: true }),
    },
  },
  {
    title: 'Mutation.passkeyLoginOptions (public)',
    covers: ['Mutation.passkeyLoginOptions'],
    query: 'mutation { passkeyLoginOptions }',
    expect: Object.fromEntries(
      (['anonymous', 'USER', 'another USER', 'ADMIN'] as const).map((who) => [who, loginOptionsIssued]),
    ) as Row['expect'],
  },
  {
    title: 'Mutation.loginWithPasskey (public; a new user with a passkey)',
    covers: ['Mutation.loginWithPasskey', 'User.email', 'Session.id', 'Session.transport', 'Session.current'],
    query: `mutation($r: JSONObject!) {
      loginWithPasskey(response: $r, transport: BEARER) { user { id email } session { id transport current } accessToken }
    }`,
    prepare: async ({ caller }) => {
      const owner = await registerBearer(server.url);
      const authenticator = new SoftwareAuthenticator({ origin: 'http://localhost:4000' });
      const options = await gql<{ passkeyRegistrationOptions: Record<string, unknown> }>(
        server.url,
        'mutation { passkeyRegistrationOptions }',
        {},
        { token: owner.accessToken },
      );
      const registered = await gql(
        server.url,
        'mutation($r: JSONObject!) { registerPasskey(response: $r) { id } }',
        { r: authenticator.create(expectData(options).passkeyRegistrationOptions) },
        { token: owner.accessToken },
      );
      expectData(registered);
      const login = await caller.call<{ passkeyLoginOptions: Record<string, unknown> }>(
        'mutation { passkeyLoginOptions }',
      );
      return { email: owner.email, r: authenticator.get(expectData(login).passkeyLoginOptions) };
    },
    expect: Object.fromEntries(
      (['anonymous', 'USER', 'another USER', 'ADMIN'] as const).map((who) => [
        who,
        authPayloadFor('loginWithPasskey', ({ vars }) => vars.email as string),
      ]),
    ) as Row['expect'],
  },
  {
    title: 'Query.myFactors',
    covers: ['Query.myFactors'],
    query: '{ myFactors }',
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: (data) => expect(data).toEqual({ myFactors: ['PASSWORD'] }),
      'another USER': (data) => expect(data).toEqual({ myFactors: ['PASSWORD'] }),
      ADMIN: (data) => expect(data).toEqual({ myFactors: ['PASSWORD'] }),
    },
  },
  {
    title: 'Query.recoveryCodesRemaining',
    covers: ['Query.recoveryCodesRemaining'],
    query: '{ recoveryCodesRemaining }',
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: (data) => expect(data).toEqual({ recoveryCodesRemaining: 0 }),
      'another USER': (data) => expect(data).toEqual({ recoveryCodesRemaining: 0 }),
      ADMIN: (data) => expect(data).toEqual({ recoveryCodesRemaining: 0 }),
    },
  },
  {
    title: 'Mutation.startTotpEnrollment (fresh: 600; left pending, so the password alone still logs in)',
    covers: ['Mutation.startTotpEnrollment'],
    query: 'mutation { startTotpEnrollment { secret otpauthUrl } }',
    expect: {
      anonymous: LOGIN_REQUIRED,
      ...Object.fromEntries((['USER', 'another USER', 'ADMIN'] as const).map((who) => [who, pendingTotp])),
    } as Row['expect'],
  },
  {
    title: 'Mutation.confirmTotpEnrollment (then removed in SQL, so later logins stay one-step)',
    covers: ['Mutation.confirmTotpEnrollment'],
    query: 'mutation($c: String!) { confirmTotpEnrollment(code: $c) }',
    prepare: async ({ caller }) => ({
      c: caller.userId ? nextCode(await startTotp(caller), server.clock) : '123456',
    }),
    expect: {
      anonymous: LOGIN_REQUIRED,
      ...Object.fromEntries(
        (['USER', 'another USER', 'ADMIN'] as const).map((who) => [
          who,
          recoveryCodesIssued('confirmTotpEnrollment'),
        ]),
      ),
    } as Row['expect'],
  },
  {
    title: 'Mutation.disableTotp (fresh: 600)',
    covers: ['Mutation.disableTotp'],
    query: 'mutation($c: String!) { disableTotp(code: $c) }',
    prepare: async ({ caller }) => ({
      c: caller.userId ? nextCode(await totpOn(caller), server.clock) : '123456',
    }),
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: (data) => expect(data).toEqual({ disableTotp: true }),
      'another USER': (data) => expect(data).toEqual({ disableTotp: true }),
      ADMIN: (data) => expect(data).toEqual({ disableTotp: true }),
    },
  },
  {
    title: 'Mutation.regenerateRecoveryCodes (fresh: 600; with TOTP on, removed in SQL afterwards)',
    covers: ['Mutation.regenerateRecoveryCodes'],
    query: 'mutation { regenerateRecoveryCodes }',
    prepare: async ({ caller }) => {
      if (caller.userId) await totpOn(caller);
      return {};
    },
    expect: {
      anonymous: LOGIN_REQUIRED,
      ...Object.fromEntries(
        (['USER', 'another USER', 'ADMIN'] as const).map((who) => [
          who,
          recoveryCodesIssued('regenerateRecoveryCodes'),
        ]),
      ),
    } as Row['expect'],
  },
  {
    title: 'Mutation.reauthenticate (with the password)',
    covers: ['Mutation.reauthenticate'],
    query: 'mutation($p: String) { reauthenticate(password: $p) }',
    prepare: async () => ({ p: PASSWORD }),
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: (data) => expect(data).toEqual({ reauthenticate: true }),
      'another USER': (data) => expect(data).toEqual({ reauthenticate: true }),
      ADMIN: (data) => expect(data).toEqual({ reauthenticate: true }),
    },
  },
  {
    title: 'Mutation.resetFactors (ADMIN, fresh: 900; of a third user)',
    covers: ['Mutation.resetFactors'],
    query: 'mutation($id: ID!) { resetFactors(userId: $id) }',
    prepare: async ({ cast }) => ({ id: cast.carol.userId }),
    expect: {
      anonymous: LOGIN_REQUIRED,
      USER: MISSING_ROLE,
      'another USER': MISSING_ROLE,
      ADMIN: (data) => expect(data).toEqual({ resetFactors: true }),
    },
  },
  {
    title: 'Mutation.completeLogin (public; a new user with TOTP)',
    covers: ['Mutation.completeLogin', 'User.email', 'Session.id', 'Session.transport', 'Session.current'],
    query: `mutation($ch: String!, $c: String!) {
      completeLogin(challenge: $ch, totp: $c, transport: BEARER) { user { id email } session { id transport current } accessToken }
    }`,
    prepare: async () => {
      const owner = await registerBearer(server.url);
      const { secret } = await enrolTotp(server.url, { token: owner.accessToken }, server.clock);
      const { challenge } = await passwordStep(server.url, owner.email, PASSWORD, 'BEARER');
      return { ch: challenge, c: nextCode(secret, server.clock), email: owner.email };
    },
    expect: Object.fromEntries(
      (['anonymous', 'USER', 'another USER', 'ADMIN'] as const).map((who) => [
        who,
        authPayloadFor('completeLogin', ({ vars }) => vars.email as string),
      ]),
    ) as Row['expect'],
  },
  // The account lifecycle (DESIGN §6.1). Public link mutations get a fresh token of a new user for each cell.
  {
    title: 'User.emailVerified of oneself',
    covers: ['User.emailVerified'],
    query: '{ me { id emailVerified } }',
    expect: {
      anonymous: (data) => expect(data).toEqual({ me: null }),
      ...everyUser((data, { principal }) =>
        expect(data).toEqual({ me: { id: principal!.userId, emailVerified: false } }),
      ),
    } as Row['expect'],
  },
  {
    title: 'Mutation.requestEmailVerification',
    covers: ['Mutation.requestEmailVerification'],
    query: 'mutation { requestEmailVerification }',
    expect: {
      anonymous: LOGIN_REQUIRED,
      ...everyUser((data) => expect(data).toEqual({ requestEmailVerification: true })),
    } as Row['expect'],
  },
  {
    title: 'Mutation.requestEmailChange',
    covers: ['Mutation.requestEmailChange'],
    query: 'mutation($e: String!, $p: String!) { requestEmailChange(newEmail: $e, currentPassword: $p) }',
    prepare: async () => ({ e: uniqueEmail('moved'), p: PASSWORD }),
    expect: {
      anonymous: LOGIN_REQUIRED,
      ...everyUser((data) => expect(data).toEqual({ requestEmailChange: true })),
    } as Row['expect'],
  },
  {
    title: 'Mutation.requestPasswordReset (public)',
    covers: ['Mutation.requestPasswordReset'],
    query: 'mutation($e: String!) { requestPasswordReset(email: $e) }',
    prepare: async () => ({ e: uniqueEmail('forgot') }),
    expect: everyone((data) => expect(data).toEqual({ requestPasswordReset: true })),
  },
  {
    title: 'Mutation.verifyEmail (public)',
    covers: ['Mutation.verifyEmail'],
    query: 'mutation($t: String!) { verifyEmail(token: $t) }',
    prepare: async () => ({ t: await linkTokenOfNewUser('VERIFY_EMAIL') }),
    expect: everyone((data) => expect(data).toEqual({ verifyEmail: true })),
  },
  {
    title: 'Mutation.resetPassword (public)',
    covers: ['Mutation.resetPassword'],
    query: 'mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }',
    prepare: async () => ({ t: await linkTokenOfNewUser('RESET_PASSWORD'), p: 'a reset passphrase' }),
    expect: everyone((data) => expect(data).toEqual({ resetPassword: true })),
  },
  {
    title: 'Mutation.confirmEmailChange (public)',
    covers: ['Mutation.confirmEmailChange'],
    query: 'mutation($t: String!) { confirmEmailChange(token: $t) }',
    prepare: async () => ({ t: await linkTokenOfNewUser('CHANGE_EMAIL', uniqueEmail('moved')) }),
    expect: everyone((data) => expect(data).toEqual({ confirmEmailChange: true })),
  },
];

/** One cell per (transport, caller); an anonymous caller has no transport, so it runs once. */
const callers: [TransportName | 'none', Who][] = [
  ['none', 'anonymous'],
  ...TRANSPORTS.flatMap((t) =>
    (['USER', 'another USER', 'ADMIN'] as const).map((w): [TransportName, Who] => [t, w]),
  ),
];

const cells = rows.flatMap((row) => callers.map(([transport, who]) => ({ row, transport, who })));

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer(db, { env: LENIENT_LIMITS });
  const [alice, bob, admin, carol] = await Promise.all([
    createPrincipal(server.url, db),
    createPrincipal(server.url, db),
    createPrincipal(server.url, db, true),
    createPrincipal(server.url, db),
  ]);
  cast = { alice: alice!, bob: bob!, admin: admin!, carol: carol! };
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

describe('the access matrix (HTTP, real server)', () => {
  it.each(cells.map((c) => [c.row.title, c.who, c.transport, c] as const))(
    '%s — %s via %s',
    async (_title, who, transport, { row }) => {
      const expected = row.expect[who];
      if (typeof expected !== 'function') expect.hasAssertions();
      const principal = {
        anonymous: undefined,
        USER: cast.alice,
        'another USER': cast.bob,
        ADMIN: cast.admin,
      }[who];
      const caller =
        principal && transport !== 'none'
          ? await signIn(server.url, principal, transport)
          : anonymous(server.url);
      const base = { who, transport: transport as TransportName, caller, principal, cast };
      const vars = (await row.prepare?.(base)) ?? {};
      const res: GqlResponse = await caller.call(row.query, vars);
      if (typeof expected === 'function') {
        await expected(expectData(res), { ...base, vars });
      } else {
        const rootField = /\{\s*(\w+)/.exec(row.query)![1]!;
        expectDenied(res, expected, [rootField]);
      }
    },
  );

  it('covers every root field and every protected field of the schema', async () => {
    const schema = await buildDeclaredSchema();
    const roots = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) =>
      Object.keys(type.getFields()).map((field) => `${type.name}.${field}`),
    );
    const protectedBelow = [...readPolicies(schema)]
      // Subscription fields are served over WebSocket only: their matrix is test/realtime/ (connect, authorization).
      .filter(
        ([coordinate, policy]) => policy !== 'public' && !/^(Query|Mutation|Subscription)\./.test(coordinate),
      )
      .map(([coordinate]) => coordinate);
    const covered = new Set(rows.flatMap((row) => row.covers));
    expect([...roots, ...protectedBelow].filter((coordinate) => !covered.has(coordinate))).toEqual([]);
    expect(protectedBelow).toEqual(expect.arrayContaining(['User.email', 'Session.id', 'Session.current']));
  });
});
