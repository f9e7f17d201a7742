import type { RequestMeta } from '../audit/audit-log.js';

/** Why an ADMIN's change to a user was refused. */
export type UserChangeRefusal = 'NO_SUCH_USER' | 'LAST_ADMIN' | 'NO_ROLE';

export type UserChangeResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: UserChangeRefusal };

/** Who asks (an ADMIN's session) and from where: for the audit trail. */
export interface Actor {
  readonly userId: string;
  readonly sessionId: string;
  readonly meta: RequestMeta;
}

/** Thrown inside a transaction to roll it back; turned into a result before it leaves the flow (`refusable`). */
export class Refused extends Error {
  constructor(readonly reason: UserChangeRefusal) {
    super(reason);
  }
}

/** Runs a flow that may throw `Refused` (rolling its transaction back) and answers with a result. */
export async function refusable<T>(work: () => Promise<T>): Promise<UserChangeResult<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.reason };
    throw error;
  }
}
