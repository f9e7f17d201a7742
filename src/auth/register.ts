import { AuditEventType } from '../audit/audit-event.entity.js';
import type { RequestMeta } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import type { Transport } from '../authz/transport.js';
import { createUser } from '../users/user-service.js';
import { openSession, type OpenedSession, type OpenSessionDeps } from './open-session.js';
import { clientIp, guard, type RateLimitedResult } from './rate-limit-guard.js';
import type { RateLimits } from './rate-limits.js';
import type { DeviceTokens } from './device-tokens.js';

export interface RegisterDeps extends OpenSessionDeps {
  readonly rateLimits: Pick<RateLimits, 'beforeRegister'>;
  readonly deviceTokens: Pick<DeviceTokens, 'issue'>;
  readonly clock: Clock;
}

export type RegisterResult =
  | { readonly ok: true; readonly opened: OpenedSession; readonly deviceToken: string }
  | {
      readonly ok: false;
      readonly reason: 'INVALID';
      readonly field: 'email' | 'password';
      readonly message: string;
    }
  /** The email has an account; the caller answers without saying so (see auth.resolver.ts). */
  | { readonly ok: false; readonly reason: 'TAKEN' }
  | RateLimitedResult;

/**
 * Creates an account and logs it in: the user, its first session and the REGISTERED event commit together, so a
 * failure leaves neither an account nobody logged in to nor an unaudited one.
 */
export async function register(
  deps: RegisterDeps,
  em: Em,
  input: {
    readonly email: string;
    readonly password: string;
    readonly transport: Transport;
    readonly meta: RequestMeta;
  },
): Promise<RegisterResult> {
  const { transport, meta } = input;
  const allowed = await guard(deps, em, meta, () => deps.rateLimits.beforeRegister(clientIp(meta)));
  if (!allowed.ok) return allowed;
  let opened: OpenedSession | undefined;
  const created = await createUser(em, deps.clock, input, undefined, async (tx, user) => {
    opened = await openSession(deps, tx, { user, transport, meta, event: AuditEventType.REGISTERED });
  });
  if (!created.ok) return created;
  return { ok: true, opened: opened!, deviceToken: deps.deviceTokens.issue(created.user.email) };
}
