import type { Role } from './role.js';
import type { Transport } from './transport.js';
import type { SessionState, UserSnapshot } from '../sessions/session-state.js';

/** Who is calling: an authenticated session, with the user's current roles from the server-side session state. */
export interface Viewer {
  readonly userId: string;
  readonly sessionId: string;
  readonly roles: readonly Role[];
  readonly transport: Transport;
  /** When the user last proved their password on this session; refresh never moves it. */
  readonly authTime: Date;
  /** This session was established with two factors or a passkey: what `@auth(mfa: true)` checks. */
  readonly mfa: boolean;
  readonly user: UserSnapshot;
}

export function viewerOf(state: SessionState): Viewer {
  return {
    userId: state.user.id,
    sessionId: state.sessionId,
    roles: state.user.roles,
    transport: state.transport,
    authTime: state.authTime,
    mfa: state.mfa,
    user: state.user,
  };
}
