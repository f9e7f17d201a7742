import type { ContainerType } from 'type-graphql';
import { AccountsResolver } from './accounts/accounts.resolver.js';
import type { Accounts } from './accounts/create-accounts.js';
import { AuditResolver } from './audit/audit.resolver.js';
import { AuthResolver, type AuthResolverDeps } from './auth/auth.resolver.js';
import type { FactorServices } from './factors/create-factors.js';
import { FactorsResolver } from './factors/factors.resolver.js';
import { PasskeyResolver } from './factors/passkeys/passkey.resolver.js';
import type { PasskeyDeps } from './factors/passkeys/relying-party.js';
import type { GatehouseModule } from './module.js';
import type { LivePublisher } from './realtime/live-channel.js';
import { SessionEventsResolver } from './realtime/session-events.resolver.js';
import { resolverContainer } from './schema.js';
import { SessionResolver, type SessionResolverDeps } from './sessions/session.resolver.js';
import type { SessionEventPublisher } from './sessions/session-events.js';
import type { SessionService } from './sessions/session-service.js';
import { UserResolver, type UserResolverDeps } from './users/user.resolver.js';
import { TwoStepResolver } from './factors/two-step.resolver.js';

/** The long-lived collaborators of the schema's resolvers, built once by the composition root. */
export type ResolverCollaborators = Omit<AuthResolverDeps, 'secondStep' | keyof Accounts['authDeps']> &
  SessionResolverDeps &
  UserResolverDeps & { readonly passkeys: PasskeyDeps } & {
    readonly factors: FactorServices;
    readonly sessions: Pick<SessionService, 'reauthenticate'>;
    readonly accounts: Accounts;
    /** Required here (optional for setUserRoles alone): accounts and factors tell the user's live sockets. */
    readonly sessionEvents: SessionEventPublisher;
  };

/**
 * Builds each resolver of the schema with the collaborators it declares, and the container that hands them to
 * type-graphql. Part of the composition root: only app.ts calls it. A module's resolvers are built here too, each
 * with the module collaborators (`ModuleDeps`).
 */
export function createResolverContainer(
  c: ResolverCollaborators & { readonly modules?: readonly GatehouseModule[]; readonly live?: LivePublisher },
): ContainerType {
  const { sessions, invalidations, audit, clock, cookies, sessionEvents, modules = [] } = c;
  const moduleDeps = { clock, audit, live: c.live };
  return resolverContainer([
    ...modules.flatMap((m) => m.resolvers.map((R) => new R(moduleDeps))),
    new UserResolver({ sessions, invalidations, audit, clock, sessionEvents }),
    new SessionResolver({ sessions, audit, cookies }),
    new AuthResolver({
      sessions,
      audit,
      clock,
      cookies,
      accessTokens: c.accessTokens,
      refreshTokens: c.refreshTokens,
      credentials: c.credentials,
      passwords: c.passwords,
      rateLimits: c.rateLimits,
      deviceTokens: c.deviceTokens,
      deviceCookie: c.deviceCookie,
      secondStep: c.factors.secondStep,
      ...c.accounts.authDeps,
    }),
    new AccountsResolver({
      ...c.accounts.resolverDeps,
      sessions,
      invalidations,
      audit,
      sessionEvents,
      clock,
      rateLimits: c.rateLimits,
      credentials: c.credentials,
      passwords: c.passwords,
      deviceTokens: c.deviceTokens,
      deviceCookie: c.deviceCookie,
    }),
    new AuditResolver(),
    new PasskeyResolver({
      ...c.passkeys,
      sessions,
      audit,
      sessionEvents,
      cookies,
      accessTokens: c.accessTokens,
      refreshTokens: c.refreshTokens,
      rateLimits: c.rateLimits,
      deviceTokens: c.deviceTokens,
      deviceCookie: c.deviceCookie,
    }),
    new FactorsResolver({
      ...c.factors,
      audit,
      sessionEvents,
      rateLimits: c.rateLimits,
      deviceTokens: c.deviceTokens,
      deviceCookie: c.deviceCookie,
    }),
    new TwoStepResolver({
      ...c.factors,
      sessions,
      audit,
      cookies,
      accessTokens: c.accessTokens,
      refreshTokens: c.refreshTokens,
      credentials: c.credentials,
      rateLimits: c.rateLimits,
      deviceTokens: c.deviceTokens,
      deviceCookie: c.deviceCookie,
    }),
    new SessionEventsResolver(),
  ]);
}
