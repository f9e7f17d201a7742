import type { RequestMeta } from '../audit/audit-log.js';
import type { AuthzContext } from '../authz/enforce.js';
import type { Viewer } from '../authz/viewer.js';
import type { Em } from '../db/types.js';

/** What an operation on a socket may ask of it. */
export interface LiveOperation {
  /** Re-reads the socket's session from the session cache; false once the socket is closed for it. */
  refresh(): Promise<boolean>;
  /** Registers a stream for the socket's re-checks (role changes); returns its removal. */
  track(stream: { recheck(): void }): () => void;
}

/**
 * The context of one subscription on a socket. `viewer` is read from the socket each time, so every event sees the
 * session as it is now (role changes, revocations), not as it was at connect.
 */
export interface LiveContext extends AuthzContext {
  readonly em: Em;
  readonly viewer: Viewer | null;
  readonly meta: RequestMeta;
  readonly live: LiveOperation;
}
