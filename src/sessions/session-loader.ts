import type { MikroORM } from '@mikro-orm/core';
import { Session } from './session.entity.js';
import { stateOf, type SessionState } from './session-state.js';

const UUID = /^[0-9a-f-]{36}$/i;

/** The session cache's read: one session with its user, or null when it is gone or its user is disabled. */
export function createSessionLoader(options: {
  readonly orm: MikroORM;
}): (sessionId: string) => Promise<SessionState | null> {
  const { orm } = options;
  return async (sessionId) => {
    // Not a uuid: no such session (PostgreSQL would raise on the cast rather than find nothing).
    if (!UUID.test(sessionId)) return null;
    const row = await orm.em.fork().findOne(Session, sessionId, { populate: ['user'] });
    if (!row) return null;
    const user = row.user.getEntity();
    // A disabled user has no usable session, whoever disabled them and however (disableUser also revokes them
    // all; an operator's `update users set disabled_at = now()` alone is enough too).
    if (user.disabledAt) return null;
    return stateOf(row, user);
  };
}
