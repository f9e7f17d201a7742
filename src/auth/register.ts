import { AuditEventType } from '../audit/audit-event.entity.js';
import type { RequestMeta } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import type { Transport } from '../authz/transport.js';
import { normalizeEmail } from '../users/email.js';
import type { User } from '../users/user.entity.js';
import type { PasswordHasher } from '../users/password-hasher.js';
import { createUser } from '../users/user-service.js';
import { openSession, type OpenedSession, type OpenSessionDeps } from './open-session.js';
import { clientIp, guard, type RateLimitedResult } from './rate-limit-guard.js';
import type { RateLimits } from './rate-limits.js';
import type { DeviceTokens } from './device-tokens.js';

/**
 * The mail a registration sends (implemented by src/accounts/, which this feature does not import): each runs in
 * the registration's transaction, so the mail and its token exist exactly when the registration commits.
 */
export interface RegistrationMail {
  /** The new account's verification link. */
  created(tx: Em, user: User, meta: RequestMeta): Promise<void>;
  /** REGISTRATION=verify-first: the address has an account; its owner is told someone tried to register with it. */
  taken(tx: Em, email: string, meta: RequestMeta): Promise<void>;
  /**
   * REGISTRATION=verify-first: the owner (the password was right) tried to log in before verifying: a fresh link,
   * so an expired or lost one is no dead end (limited per user; beyond the limit, nothing).
   */
  unverifiedLogin(em: Em, user: User, meta: RequestMeta): Promise<void>;
}

export interface RegisterDeps extends OpenSessionDeps {
  readonly rateLimits: Pick<RateLimits, 'beforeRegister'>;
  readonly deviceTokens: Pick<DeviceTokens, 'issue'>;
  readonly clock: Clock;
  readonly passwords: Pick<PasswordHasher, 'hash'>;
  readonly registrationMail: RegistrationMail;
  /** REGISTRATION: `open` logs the new account in at once; `verify-first` opens no session before the link. */
  readonly registration: 'open' | 'verify-first';
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
  /** verify-first: the same answer for a new and a taken address; no session either way. */
  | { readonly ok: true; readonly opened: null; readonly deviceToken: null }
  | RateLimitedResult;

const PENDING = { ok: true, opened: null, deviceToken: null } as const;

/** What a register request carries. */
interface RegisterInput {
  readonly email: string;
  readonly password: string;
  readonly transport: Transport;
  readonly meta: RequestMeta;
}

/**
 * Creates an account and logs it in: the user, its first session, the REGISTERED event and the verification mail
 * commit together, so a failure leaves neither an account nobody logged in to nor an unaudited one.
 *
 * With REGISTRATION=verify-first nobody is logged in: a new address gets its account and verification link, a
 * taken one gets a "someone tried to register" mail, and both are answered alike (PENDING). Both pay one argon2
 * hash and write one mail and an audit row, so the time does not tell them apart either.
 */
export async function register(deps: RegisterDeps, em: Em, input: RegisterInput): Promise<RegisterResult> {
  const { meta } = input;
  const allowed = await guard(deps, em, meta, () => deps.rateLimits.beforeRegister(clientIp(meta)));
  if (!allowed.ok) return allowed;
  // Either mode hashes before it writes anything: password hashing found full is a rate limit like the one above.
  const done = await guard(deps, em, meta, () =>
    deps.registration === 'verify-first'
      ? registerVerifyFirst(deps, em, input)
      : registerOpen(deps, em, input),
  );
  return done.ok ? done.value : done;
}

async function registerOpen(deps: RegisterDeps, em: Em, input: RegisterInput): Promise<RegisterResult> {
  const { transport, meta } = input;
  let opened: OpenedSession | undefined;
  const created = await createUser(em, deps.clock, input, deps.passwords.hash, async (tx, user) => {
    opened = await openSession(deps, tx, { user, transport, meta, event: AuditEventType.REGISTERED });
    await deps.registrationMail.created(tx, user, meta);
  });
  if (!created.ok) return created;
  return { ok: true, opened: opened!, deviceToken: deps.deviceTokens.issue(created.user.email) };
}

async function registerVerifyFirst(
  deps: RegisterDeps,
  em: Em,
  input: Omit<RegisterInput, 'transport'>,
): Promise<RegisterResult> {
  const { meta } = input;
  const created = await createUser(em, deps.clock, input, deps.passwords.hash, async (tx, user) => {
    await deps.audit.record(tx, { type: AuditEventType.REGISTERED, userId: user.id }, meta);
    await deps.registrationMail.created(tx, user, meta);
  });
  if (created.ok) return PENDING;
  if (created.reason !== 'TAKEN') return created;
  await em.transactional((tx) => deps.registrationMail.taken(tx as Em, normalizeEmail(input.email), meta));
  return PENDING;
}
