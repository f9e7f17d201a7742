/**
 * A Gatehouse client that behaves like a mobile app: it logs in with the bearer transport, sends
 * `Authorization: Bearer <access token>`, and when the API answers 401 with `extensions.reason: 'TOKEN_EXPIRED'`
 * it spends the refresh token for a new pair and retries the request once.
 *
 * However many requests fail at once, ONE refresh is in flight and every one of them awaits it: the refresh token
 * is single use, and a second refresh with the same token after the server's grace period is taken for theft and
 * revokes the session. When refreshing is impossible (revoked, expired, reused or unknown token) the tokens are
 * dropped and calls fail with `LoginRequiredError`: the app shows its login screen. It never keeps the password.
 *
 * `subscribe` keeps a GraphQL subscription over WebSocket (graphql-ws) with the access token in `connection_init`.
 * An open socket outlives its token (the session decides, README "Live GraphQL"); a reconnection with an expired
 * one is closed 4401 TOKEN_EXPIRED, and then the same single refresh renews the pair before connecting again.
 */

import { createClient, type Client, type ClientOptions } from 'graphql-ws';

export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** ISO date; informational (the server's 401 is what triggers a refresh, whatever the device clock says). */
  readonly accessTokenExpiresAt?: string;
}

export interface MobileClientOptions {
  /** The GraphQL endpoint, e.g. https://api.example.com/graphql. */
  readonly url: string;
  /** The fetch to use (the platform's, or a wrapper that logs, counts or pins certificates). */
  readonly fetch: typeof fetch;
  /** Tokens kept from an earlier run (the app's secure storage: Keychain, Keystore). */
  readonly tokens?: Tokens | null;
  /** Called whenever the tokens change, with null when they are dropped: persist them. */
  readonly onTokens?: (tokens: Tokens | null) => void;
  /** Called once each time the session is lost for good: navigate to the login screen. */
  readonly onLoginRequired?: (reason: string) => void;
  /** Sent as User-Agent where the platform allows it; it shows up in the user's list of sessions. */
  readonly userAgent?: string;
  /** The WebSocket class for `subscribe`: the platform's global one, or in Node the `ws` package's. */
  readonly webSocketImpl?: unknown;
  /** How long graphql-ws waits before reconnecting a dropped socket (default: its randomised backoff). */
  readonly retryWait?: ClientOptions['retryWait'];
}

/** What `subscribe` reports: each event's data; an end that needs the app (LoginRequiredError, or a refusal). */
export interface LiveSink<T> {
  next(data: T): void;
  error?(error: unknown): void;
}

/** The server's close codes for a socket (README "Live GraphQL"). */
const TOKEN_REJECTED = 4401;
const SESSION_ENDED = 4403;

function closeEventOf(value: unknown): { code: number; reason: string } | undefined {
  const e = value as { code?: unknown; reason?: unknown } | null;
  return typeof e?.code === 'number' ? { code: e.code, reason: String(e.reason ?? '') } : undefined;
}

interface GraphQLErrorBody {
  readonly message: string;
  readonly extensions?: { readonly code?: string; readonly reason?: string; readonly [key: string]: unknown };
}

interface GraphQLBody<T> {
  readonly data?: T | null;
  readonly errors?: readonly GraphQLErrorBody[];
}

/** An error answer from the API: HTTP status, `extensions.code` and `extensions.reason` of the first error. */
export class GatehouseError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'GatehouseError';
  }
}

/** The session is gone (or there never was one): the user has to log in again. */
export class LoginRequiredError extends GatehouseError {
  constructor(reason: string, message = 'Please log in again') {
    super(message, 401, 'UNAUTHENTICATED', reason);
    this.name = 'LoginRequiredError';
  }
}

/**
 * The password was right and the account has a second factor: ask the user for a code (or a recovery code) and
 * call `completeLogin(error.challenge, …)` within 5 minutes. No session exists yet.
 */
export class SecondFactorRequiredError extends GatehouseError {
  constructor(
    /** Opaque and single use: pass it back to completeLogin, once. */
    readonly challenge: string,
    /** What the user can answer with: TOTP, RECOVERY_CODE, PASSKEY. */
    readonly factors: readonly string[],
  ) {
    super('A second factor is required', 200, 'SECOND_FACTOR_REQUIRED');
    this.name = 'SecondFactorRequiredError';
  }
}

const COMPLETE_LOGIN = `mutation CompleteLogin($challenge: String!, $totp: String, $recoveryCode: String) {
  completeLogin(challenge: $challenge, totp: $totp, recoveryCode: $recoveryCode, transport: BEARER) {
    accessToken refreshToken accessTokenExpiresAt user { id }
  }
}`;
const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password, transport: BEARER) {
    accessToken refreshToken accessTokenExpiresAt user { id }
  }
}`;
const REFRESH = `mutation Refresh($t: String!) {
  refresh(refreshToken: $t) { accessToken refreshToken accessTokenExpiresAt }
}`;
const LOGOUT = 'mutation Logout { logout }';

interface TokenPayload {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly accessTokenExpiresAt: string;
}

/** One signed-in device. */
export class MobileClient {
  private tokens: Tokens | null;
  /** The refresh in flight, shared by every request that needs it. */
  private refreshing: Promise<Tokens> | null = null;
  /** Why the last tokens were dropped, for requests that were already on their way then. */
  private lostBecause = 'LOGIN_REQUIRED';

  constructor(private readonly options: MobileClientOptions) {
    this.tokens = options.tokens ?? null;
  }

  get loggedIn(): boolean {
    return this.tokens !== null;
  }

  /**
   * Logs in with the bearer transport; returns the user id. Throws SecondFactorRequiredError when the account has
   * a second factor: then ask for a code and call completeLogin.
   */
  async login(email: string, password: string): Promise<{ userId: string }> {
    const { status, body } = await this.post<{ login: TokenPayload & { user: { id: string } } }>(LOGIN, {
      email,
      password,
    });
    const data = this.dataOrThrow(status, body);
    this.setTokens(data.login);
    return { userId: data.login.user.id };
  }

  /**
   * The second step of a login that threw SecondFactorRequiredError: one code from the authenticator app, or one
   * recovery code. A wrong code spends the challenge too (GatehouseError, INVALID_CREDENTIALS): log in again.
   */
  async completeLogin(
    challenge: string,
    proof: { readonly totp: string } | { readonly recoveryCode: string },
  ): Promise<{ userId: string }> {
    const { status, body } = await this.post<{ completeLogin: TokenPayload & { user: { id: string } } }>(
      COMPLETE_LOGIN,
      { challenge, ...proof },
    );
    const data = this.dataOrThrow(status, body);
    this.setTokens(data.completeLogin);
    return { userId: data.completeLogin.user.id };
  }

  /**
   * Runs a query or mutation as the logged-in user (anonymously when logged out). An expired access token is
   * refreshed and the request sent once more; any other authentication failure means logging in again. Sending a
   * mutation again is safe: a 401 is decided before any resolver runs.
   */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const sentWith = this.tokens;
    let res = await this.post<T>(query, variables, sentWith?.accessToken);
    if (res.status === 401 && sentWith) {
      const reason = reasonOf(res.body);
      if (reason !== 'TOKEN_EXPIRED') throw this.loginRequired(reason ?? 'TOKEN_INVALID', sentWith);
      const fresh = await this.freshTokens(sentWith);
      res = await this.post<T>(query, variables, fresh.accessToken);
      // A brand-new token refused again: the session ended meanwhile (or the clocks disagree). Never loop.
      if (res.status === 401) throw this.loginRequired(reasonOf(res.body) ?? 'TOKEN_INVALID', fresh);
    }
    return this.dataOrThrow(res.status, res.body);
  }

  /** Ends this device's session on the server and forgets the tokens (even if the server already ended it). */
  async logout(): Promise<void> {
    if (!this.tokens) return;
    this.lostBecause = 'LOGGED_OUT';
    try {
      await this.request<{ logout: boolean }>(LOGOUT);
    } catch (error) {
      if (!(error instanceof LoginRequiredError)) throw error;
    } finally {
      if (this.tokens) this.setTokens(null);
    }
  }

  /**
   * Subscribes over WebSocket as the logged-in user; returns the function that stops it. graphql-ws reconnects a
   * dropped socket by itself, reading the current access token at each connection. When the server refuses it with
   * 4401 TOKEN_EXPIRED, the pair is refreshed (one refresh for every request and socket waiting on it) and the
   * subscription opened again; 4403 (the session ended) or a refused fresh token means logging in again.
   */
  subscribe<T>(query: string, variables: Record<string, unknown>, sink: LiveSink<T>): () => void {
    let client: Client | undefined;
    let stopped = false;
    const fail = (error: unknown) => {
      if (!stopped) sink.error?.(error);
      stopped = true;
    };
    const open = (refreshed: boolean) => {
      if (stopped) return;
      /** This connection follows a refresh and was not acknowledged yet: a 4401 now is not the token's age. */
      let justRefreshed = refreshed;
      /** The tokens this connection authenticated with (read at each reconnection of this client). */
      let sentWith = this.tokens;
      const current = createClient({
        url: this.options.url.replace(/^http/, 'ws'),
        webSocketImpl: this.options.webSocketImpl,
        retryWait: this.options.retryWait,
        connectionParams: () => {
          sentWith = this.tokens;
          if (!sentWith) throw new LoginRequiredError(this.lostBecause);
          return { authorization: `Bearer ${sentWith.accessToken}` };
        },
        // A session that ended does not come back by reconnecting.
        shouldRetry: (event) => closeEventOf(event)?.code !== SESSION_ENDED,
        on: { connected: () => (justRefreshed = false) },
      });
      client = current;
      current.subscribe<T>(
        { query, variables },
        {
          next: (result) => {
            const refused = result.errors?.[0] as GraphQLErrorBody | undefined;
            // A refusal (FORBIDDEN after a role was lost, a query over the limits) ends this subscription.
            if (refused)
              fail(
                new GatehouseError(
                  refused.message,
                  200,
                  refused.extensions?.code,
                  refused.extensions?.reason,
                ),
              );
            else if (result.data) sink.next(result.data as T);
          },
          complete: () => undefined,
          error: (error) => {
            void current.dispose();
            const closed = closeEventOf(error);
            if (stopped || !sentWith || !closed) return fail(error);
            if (closed.code === SESSION_ENDED) return fail(this.loginRequired(closed.reason, sentWith));
            if (closed.code !== TOKEN_REJECTED) return fail(error);
            // Never loop: a brand-new token refused again means the session ended meanwhile.
            if (closed.reason !== 'TOKEN_EXPIRED' || justRefreshed)
              return fail(this.loginRequired(closed.reason, sentWith));
            this.freshTokens(sentWith).then(() => open(true), fail);
          },
        },
      );
    };
    open(false);
    return () => {
      stopped = true;
      void client?.dispose();
    };
  }

  /**
   * Tokens newer than the ones a failed request used: if another request refreshed meanwhile, those; otherwise
   * the result of the one refresh in flight (started here if there is none).
   */
  private freshTokens(stale: Tokens): Promise<Tokens> {
    if (this.tokens && this.tokens !== stale) return Promise.resolve(this.tokens);
    if (!this.tokens) return Promise.reject(new LoginRequiredError(this.lostBecause));
    this.refreshing ??= this.refresh(this.tokens).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refresh(current: Tokens): Promise<Tokens> {
    const { status, body } = await this.post<{ refresh: TokenPayload }>(REFRESH, { t: current.refreshToken });
    const error = body.errors?.[0];
    if (error?.extensions?.code === 'UNAUTHENTICATED') {
      // REFRESH_TOKEN_REUSED, SESSION_REVOKED, SESSION_EXPIRED, TOKEN_INVALID: this session cannot come back.
      throw this.loginRequired(error.extensions.reason ?? 'TOKEN_INVALID', current);
    }
    // Anything else (rate limited, server down) keeps the tokens: the next call may refresh successfully.
    const data = this.dataOrThrow(status, body);
    if (this.tokens === current) this.setTokens(data.refresh);
    return this.tokens ?? data.refresh;
  }

  /** Drops the tokens (if they are still the ones that failed), tells the app once, and returns the error to throw. */
  private loginRequired(reason: string, failed: Tokens): LoginRequiredError {
    if (this.tokens === failed) {
      this.setTokens(null);
      this.lostBecause = reason;
      this.options.onLoginRequired?.(reason);
    }
    return new LoginRequiredError(reason);
  }

  private setTokens(tokens: TokenPayload | Tokens | null): void {
    this.tokens = tokens && {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    };
    this.options.onTokens?.(this.tokens);
  }

  private async post<T>(
    query: string,
    variables: Record<string, unknown>,
    accessToken?: string,
  ): Promise<{ status: number; body: GraphQLBody<T> }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
    const res = await this.options.fetch(this.options.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as GraphQLBody<T> };
    } catch {
      return { status: res.status, body: { errors: [{ message: `HTTP ${res.status}` }] } };
    }
  }

  private dataOrThrow<T>(status: number, body: GraphQLBody<T>): T {
    const error = body.errors?.[0];
    if (error) {
      const { code, reason } = error.extensions ?? {};
      if (code === 'SECOND_FACTOR_REQUIRED') {
        const { challenge, factors } = error.extensions as { challenge: string; factors: string[] };
        throw new SecondFactorRequiredError(challenge, factors);
      }
      // A protected field called without a session; a wrong password (INVALID_CREDENTIALS) stays a plain error.
      if (code === 'UNAUTHENTICATED' && reason !== 'INVALID_CREDENTIALS') {
        throw new LoginRequiredError(reason ?? 'LOGIN_REQUIRED', error.message);
      }
      throw new GatehouseError(error.message, status, code, reason);
    }
    if (body.data == null) throw new GatehouseError(`HTTP ${status} without data`, status);
    return body.data;
  }
}

function reasonOf(body: GraphQLBody<unknown>): string | undefined {
  return body.errors?.[0]?.extensions?.reason;
}
