import { randomBytes } from 'node:crypto';
import { CookieJar, gql } from './client.js';
import { sql, type TestDatabase } from './database.js';

export const PASSWORD = 'correct horse battery staple';

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}@example.com`;
}

const AUTH_FIELDS = `user { id email roles } session { id transport current } accessToken refreshToken accessTokenExpiresAt refreshTokenExpiresAt`;

export interface BearerLogin {
  readonly userId: string;
  readonly email: string;
  readonly sessionId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

interface AuthPayloadData {
  user: { id: string; email: string; roles: string[] };
  session: { id: string; transport: string; current: boolean };
  accessToken: string | null;
  refreshToken: string | null;
}

/** Calls register or login with the bearer transport and returns the pair. */
async function bearerAuth(
  url: string,
  mutation: 'register' | 'login',
  email: string,
  password: string,
): Promise<BearerLogin> {
  const res = await gql<Record<string, AuthPayloadData>>(
    url,
    `mutation($email: String!, $password: String!) { ${mutation}(email: $email, password: $password, transport: BEARER) { ${AUTH_FIELDS} } }`,
    { email, password },
  );
  const p = res.body.data?.[mutation];
  if (!p) throw new Error(`${mutation} failed: ${JSON.stringify(res.body)}`);
  return {
    userId: p.user.id,
    email,
    sessionId: p.session.id,
    accessToken: p.accessToken!,
    refreshToken: p.refreshToken!,
  };
}

/** Registers a user over HTTP with the bearer transport. */
export function registerBearer(
  url: string,
  email = uniqueEmail(),
  password = PASSWORD,
): Promise<BearerLogin> {
  return bearerAuth(url, 'register', email, password);
}

/** Logs in with the bearer transport. */
export function loginBearer(url: string, email: string, password = PASSWORD): Promise<BearerLogin> {
  return bearerAuth(url, 'login', email, password);
}

/** Logs in with the cookie transport; the jar then holds the session cookie. */
export async function loginCookie(
  url: string,
  email: string,
  password = PASSWORD,
  jar = new CookieJar(),
): Promise<{ jar: CookieJar; sessionId: string; userId: string }> {
  const res = await gql<{ login: AuthPayloadData }>(
    url,
    `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { ${AUTH_FIELDS} } }`,
    { email, password },
    { jar },
  );
  const p = res.body.data?.login;
  if (!p) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
  return { jar, sessionId: p.session.id, userId: p.user.id };
}

/**
 * Registers a user whose address is verified (set directly in the database: test setup, not the flow under test),
 * then logs in again, so the session's state is read with the verified address.
 */
export async function registerVerified(
  db: TestDatabase,
  url: string,
  email = uniqueEmail(),
): Promise<BearerLogin> {
  const { userId } = await registerBearer(url, email);
  await sql(db, 'update users set email_verified_at = now() where id = $1', [userId]);
  return loginBearer(url, email);
}

/** Gives a user the ADMIN role directly in the database (test setup, not the API under test). */
export async function makeAdmin(db: TestDatabase, userId: string): Promise<void> {
  await sql(db, `update users set roles = '{ADMIN,USER}' where id = $1`, [userId]);
}
