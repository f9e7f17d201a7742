import type { Em } from '../db/types.js';

/** What happened to a user's account, as every live socket of theirs is told (DESIGN §6.3 `sessionEvents`). */
export enum SessionEventType {
  SESSION_STARTED = 'SESSION_STARTED',
  SESSION_REVOKED = 'SESSION_REVOKED',
  ROLES_CHANGED = 'ROLES_CHANGED',
  PASSWORD_CHANGED = 'PASSWORD_CHANGED',
  EMAIL_VERIFIED = 'EMAIL_VERIFIED',
  FACTOR_CHANGED = 'FACTOR_CHANGED',
}

/** One account event: which session it concerns, if one (null: the account as a whole). */
export interface SessionEventInput {
  readonly type: SessionEventType;
  readonly sessionId: string | null;
}

/**
 * Tells every live socket of a user, on every instance, that something happened to their account. `publish` runs
 * in the caller's transaction `tx`: the event goes out when the change commits, and never for one rolled back.
 * The one entry point for every feature that changes an account (the live transport lives in `src/realtime/`).
 */
export interface SessionEventPublisher {
  publish(tx: Em, userId: string, event: SessionEventInput): Promise<void>;
}

/** For an app (or a test) without live sockets: events go nowhere. */
export const noSessionEvents: SessionEventPublisher = { publish: async () => undefined };
