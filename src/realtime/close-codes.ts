/**
 * How the server closes a live socket, and what a client should do (README "Live GraphQL"). 4400, 4401, 4403 and
 * 4408 follow graphql-ws's meanings; the reasons are DESIGN §4's.
 */
export const CloseCode = {
  /** Shutdown: reconnect (another instance will answer). */
  GOING_AWAY: 1001,
  /** A message over WS_MAX_MESSAGE_BYTES (closed by ws itself). */
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  /** The client does not read what it is sent (WS_MAX_BUFFERED_BYTES): reconnect later. */
  SLOW_CONSUMER: 1013,
  /** A malformed message or `authorization` value. */
  BAD_REQUEST: 4400,
  /** The bearer token is invalid or expired (reason TOKEN_INVALID, TOKEN_EXPIRED): refresh, then reconnect. */
  TOKEN_REJECTED: 4401,
  /** The socket's session ended (reason SESSION_REVOKED, SESSION_EXPIRED): the user is signed out. */
  SESSION_ENDED: 4403,
  /** No connection_init within WS_CONNECTION_INIT_TIMEOUT. */
  INIT_TIMEOUT: 4408,
  /** Too many sockets for the session, or subscribe messages too fast: back off before reconnecting. */
  TOO_MANY: 4429,
} as const;

/** The close code for a refused identification: the session's end, a malformed value, or a rejected token. */
export function closeCodeForRejection(rejection: {
  readonly reason: string;
  readonly status: number;
}): number {
  if (rejection.reason.startsWith('SESSION_')) return CloseCode.SESSION_ENDED;
  return rejection.status === 400 ? CloseCode.BAD_REQUEST : CloseCode.TOKEN_REJECTED;
}
