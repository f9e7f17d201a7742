import { CookieJar, gql, type GqlError, type GqlResponse } from '../support/client.js';
import type { TestDatabase } from '../support/database.js';
import { loginBearer, loginCookie, makeAdmin, registerBearer, uniqueEmail } from '../support/users.js';

export type TransportName = 'COOKIE' | 'BEARER';
export const TRANSPORTS: readonly TransportName[] = ['COOKIE', 'BEARER'];

/** Who calls, and how: an anonymous client, or one logged-in session (a cookie jar or an access token). */
export interface Caller {
  readonly userId?: string;
  readonly sessionId?: string;
  readonly transport?: TransportName;
  call<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GqlResponse<T>>;
}

/** A user account the tests log in as. */
export interface Principal {
  readonly userId: string;
  readonly email: string;
}

/** Every server in these tests lets the matrix log in often: the abuse limits are tested elsewhere. */
export const LENIENT_LIMITS: Record<string, string> = {
  RATE_LIMIT_LOGIN_PER_IP: '1000000',
  RATE_LIMIT_REGISTER_PER_IP: '1000000',
  RATE_LIMIT_REFRESH_PER_SESSION: '1000000',
};

export function anonymous(url: string): Caller {
  return { call: (query, variables) => gql(url, query, variables) };
}

/** Registers a user; `admin` promotes them in SQL before any of their logins, so no cache holds old roles. */
export async function createPrincipal(url: string, db: TestDatabase, admin = false): Promise<Principal> {
  const { userId, email } = await registerBearer(url, uniqueEmail(admin ? 'admin' : 'user'));
  if (admin) await makeAdmin(db, userId);
  return { userId, email };
}

/** Opens a new session for a principal on one transport. */
export async function signIn(url: string, who: Principal, transport: TransportName): Promise<Caller> {
  if (transport === 'BEARER') {
    const login = await loginBearer(url, who.email);
    return {
      userId: who.userId,
      sessionId: login.sessionId,
      transport,
      call: (query, variables) => gql(url, query, variables, { token: login.accessToken }),
    };
  }
  const { jar, sessionId } = await loginCookie(url, who.email, undefined, new CookieJar());
  return {
    userId: who.userId,
    sessionId,
    transport,
    call: (query, variables) => gql(url, query, variables, { jar }),
  };
}

/** A denial as the contract states it: `extensions.code` and `extensions.reason`. */
export interface Denied {
  readonly code: string;
  readonly reason?: string;
}

export const LOGIN_REQUIRED: Denied = { code: 'UNAUTHENTICATED', reason: 'LOGIN_REQUIRED' };
export const MISSING_ROLE: Denied = { code: 'FORBIDDEN', reason: 'MISSING_ROLE' };
export const NOT_OWNER: Denied = { code: 'FORBIDDEN', reason: 'NOT_OWNER' };
export const WRONG_TRANSPORT: Denied = { code: 'FORBIDDEN', reason: 'WRONG_TRANSPORT' };

/**
 * Asserts that a response denied exactly the fields at `paths` (dotted response paths, aliases included, e.g.
 * `users` or `mySessions.0.id`), each with the given code and reason, over HTTP 200. Fails when nothing was
 * denied (STYLE rule 13).
 */
export function expectDenied(res: GqlResponse<unknown>, denied: Denied, paths: readonly string[]): void {
  expect(res.status).toBe(200);
  const errors: readonly GqlError[] = res.body.errors ?? [];
  const seen = errors.map((e) => ({
    path: (e.path ?? []).join('.'),
    code: e.extensions?.code,
    reason: e.extensions?.reason,
  }));
  const wanted = paths.map((path) => ({ path, code: denied.code, reason: denied.reason }));
  const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
  expect(seen.sort(byPath)).toEqual(wanted.sort(byPath));
}

/** Asserts a response with data and no errors; returns the data. */
export function expectData<T>(res: GqlResponse<T>): T {
  expect(res.body.errors).toBeUndefined();
  expect(res.status).toBe(200);
  expect(res.body.data).toBeTruthy();
  return res.body.data as T;
}
