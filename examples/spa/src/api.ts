/** What the server said went wrong: `extensions.code` / `extensions.reason` from the first GraphQL error. */
export class GatehouseError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    readonly reason?: string,
    /** The error's other extensions, e.g. `challenge` and `factors` of SECOND_FACTOR_REQUIRED. */
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'GatehouseError';
  }

  /**
   * The caller is not (or no longer) logged in: show the login form. A wrong password or code (INVALID_CREDENTIALS)
   * is not that: a logged-in user who mistypes the password of a step-up stays logged in.
   */
  get unauthenticated(): boolean {
    return this.code === 'UNAUTHENTICATED' && this.reason !== 'INVALID_CREDENTIALS';
  }
}

export interface User {
  readonly id: string;
  readonly email: string;
  readonly roles: string[];
}

export interface Session {
  readonly id: string;
  readonly transport: 'COOKIE' | 'BEARER';
  readonly current: boolean;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly userAgent: string | null;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; reason?: string; [key: string]: unknown } }[];
}

/**
 * POSTs one GraphQL operation. `credentials: 'include'` makes the browser send (and store) the httpOnly session
 * cookie on this cross-origin call; the page itself never sees it. JSON content type: Apollo's CSRF prevention
 * refuses "simple" requests, and the CORS preflight it causes is answered by the API's allow-list.
 */
export function createRequest(url: string) {
  return async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(url, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    let body: GraphQLResponse<T>;
    try {
      body = (await res.json()) as GraphQLResponse<T>;
    } catch {
      throw new GatehouseError(`The API answered HTTP ${res.status}`, res.status);
    }
    const error = body.errors?.[0];
    if (error)
      throw new GatehouseError(
        error.message,
        res.status,
        error.extensions?.code,
        error.extensions?.reason,
        error.extensions,
      );
    if (!body.data) throw new GatehouseError(`The API answered HTTP ${res.status} without data`, res.status);
    return body.data;
  };
}

const USER = 'id email roles';
const SESSION = 'id transport current createdAt lastSeenAt userAgent';

/** The operations this page uses, over the cookie transport. */
export function createGatehouse(url: string) {
  const request = createRequest(url);
  return {
    async me(): Promise<User | null> {
      return (await request<{ me: User | null }>(`query Me { me { ${USER} } }`)).me;
    },
    async mySessions(): Promise<Session[]> {
      return (await request<{ mySessions: Session[] }>(`query MySessions { mySessions { ${SESSION} } }`))
        .mySessions;
    },
    /** Default transport COOKIE: the answer sets the session cookie and carries no token. */
    async login(email: string, password: string): Promise<User> {
      const data = await request<{ login: { user: User } }>(
        `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { user { ${USER} } } }`,
        { email, password },
      );
      return data.login.user;
    },
    async logout(): Promise<boolean> {
      return (await request<{ logout: boolean }>('mutation Logout { logout }')).logout;
    },
    async logoutAll(): Promise<number> {
      return (await request<{ logoutAll: number }>('mutation LogoutAll { logoutAll }')).logoutAll;
    },
    /** Always true, whether or not the address has an account: the mail is the only answer. */
    async requestPasswordReset(email: string): Promise<boolean> {
      return (
        await request<{ requestPasswordReset: boolean }>(
          'mutation RequestPasswordReset($email: String!) { requestPasswordReset(email: $email) }',
          { email },
        )
      ).requestPasswordReset;
    },
    /** The token of a reset link; every session of the account ends and nobody is logged in. */
    async resetPassword(token: string, newPassword: string): Promise<boolean> {
      return (
        await request<{ resetPassword: boolean }>(
          'mutation ResetPassword($token: String!, $newPassword: String!) { resetPassword(token: $token, newPassword: $newPassword) }',
          { token, newPassword },
        )
      ).resetPassword;
    },
    async verifyEmail(token: string): Promise<boolean> {
      return (
        await request<{ verifyEmail: boolean }>(
          'mutation VerifyEmail($token: String!) { verifyEmail(token: $token) }',
          {
            token,
          },
        )
      ).verifyEmail;
    },
    async confirmEmailChange(token: string): Promise<boolean> {
      return (
        await request<{ confirmEmailChange: boolean }>(
          'mutation ConfirmEmailChange($token: String!) { confirmEmailChange(token: $token) }',
          { token },
        )
      ).confirmEmailChange;
    },
    async revokeSession(id: string): Promise<boolean> {
      return (
        await request<{ revokeSession: boolean }>(
          'mutation RevokeSession($id: ID!) { revokeSession(id: $id) }',
          { id },
        )
      ).revokeSession;
    },
  };
}

export type Gatehouse = ReturnType<typeof createGatehouse>;
