import 'reflect-metadata';
import './db/orm-async-context.js'; // first: MikroORM's storages turn themselves off (see there)
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressMiddleware } from '@as-integrations/express5';
import type { PGlite } from '@electric-sql/pglite';
import type { Config } from './config.js';
import { systemClock, type Clock } from './clock.js';
import { createLogger, type Logger } from './logger.js';
import { openDatabase, type Database } from './db/database.js';
import { entities } from './entities.js';
import type { Em } from './db/types.js';
import { createAuditLog, type AuditLog } from './audit/audit-log.js';
import { createAccessTokens } from './auth/access-tokens.js';
import { createAuthenticate } from './auth/authenticate.js';
import { authenticationMiddleware } from './auth/authentication-middleware.js';
import { createCookieTransport } from './auth/cookie-transport.js';
import { createCredentialCheck } from './auth/credentials.js';
import { loadKeySet } from './auth/key-set.js';
import { createPasswordHasher, type PasswordHasher } from './users/password-hasher.js';
import { createRefreshTokenCodec } from './auth/refresh-token-codec.js';
import { RefreshTokenService } from './auth/refresh-tokens.js';
import { createRateLimits } from './auth/rate-limits.js';
import { openRateLimitStore } from './auth/rate-limit-store.js';
import { createDeviceCookie } from './auth/device-cookie.js';
import { createDeviceTokens } from './auth/device-tokens.js';
import { resolveSecrets } from './auth/secrets.js';
import { auditDenial } from './audit/audit-denial.js';
import { enforceAuthorization } from './authz/enforce.js';
import { createFactors } from './factors/create-factors.js';
import { graphqlContext, type GraphQLContext } from './graphql/context.js';
import { createApolloServer } from './graphql/apollo-server.js';
import { responseExtensionsPlugin } from './graphql/response-extensions.js';
import { createResolverContainer } from './resolvers.js';
import { composeModules } from './module.js';
import { runAll } from './run-all.js';
import { buildDeclaredSchema } from './schema.js';
import { applyExpressSettings } from './http/express-settings.js';
import { httpErrorHandler } from './http/errors.js';
import { operationsRoutes } from './http/operations.js';
import { handlerSequence } from './http/handler-sequence.js';
import { everyRequest } from './http/every-request.js';
import { graphqlGuards } from './http/graphql-guards.js';
import { jsonBody } from './http/json-body.js';
import { createExpressServer } from './http/express-server.js';
import { jwksRoute } from './http/jwks.js';
import { createInvalidations, type Invalidations } from './sessions/invalidations.js';
import { SessionCache } from './sessions/session-cache.js';
import { createSessionLoader } from './sessions/session-loader.js';
import { createSessionService, type SessionService } from './sessions/session-service.js';
import { ensureAdmin } from './users/user-service.js';
import { createInstrumentation } from './metrics/instrumentation.js';
import { createAccounts } from './accounts/create-accounts.js';
import { startMail, type Mail } from './mail/create-mail.js';
import { observeHttpDuration } from './metrics/http-duration.js';
import { createLiveEvents, type LiveEvents } from './realtime/live-events.js';
import type { LiveSockets } from './realtime/live-sockets.js';
import { startLiveGraphQL } from './realtime/live-graphql.js';

/** What a test or `main` may hand in instead of the defaults. */
export interface AppDependencies {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** An embedded database owned by the caller (lets two app instances share one). */
  readonly pglite?: PGlite;
  readonly modules?: Parameters<typeof composeModules>[0]; // your own API on Gatehouse (DESIGN §6.5)
}

export interface App {
  readonly httpServer: Server;
  readonly db: Database;
  /** The audit log (a test awaits `audit.settled()` for the records a request does not wait for). */
  readonly audit: AuditLog;
  readonly sessions: SessionService;
  readonly invalidations: Invalidations;
  /** This instance's cache of session state. */
  readonly cache: SessionCache;
  readonly mail: Mail; // the outbox features write to, and this instance's sender (a test awaits mail.drain())
  /** Live GraphQL: its events (a test awaits `events.pubSub.subscribed`) and its sockets. */
  readonly live: { readonly events: LiveEvents; readonly sockets: LiveSockets };
  readonly passwords: PasswordHasher; // this instance's argon2 limiter (a test fills it or watches it)
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Drains HTTP, stops Apollo and the listener, closes the database. */
  stop(): Promise<void>;
}

/** The composition root: builds every part from the configuration and wires them together. */
export async function createApp(config: Config, deps: AppDependencies = {}): Promise<App> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger(config.logLevel);
  const metrics = createInstrumentation({ enabled: config.metricsToken !== undefined });
  const passwords = createPasswordHasher(config.passwordHashing);
  const modules = composeModules(deps.modules, entities);
  const db = await openDatabase({
    ...modules.database,
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pglite: deps.pglite,
    logger,
  });
  const cleanup: (() => Promise<unknown>)[] = [() => db.close()];
  try {
    await db.migrate();
    const secrets = await resolveSecrets(config, logger);
    const keys = await loadKeySet(secrets.jwtKeys);

    const { idleTtlSec, absoluteTtlSec, cacheTtlSec, cookieSameSite: sameSite } = config.session;
    const cache = new SessionCache({
      load: createSessionLoader({ orm: db.orm }),
      clock,
      ttlMs: cacheTtlSec * 1000,
      lookups: metrics.cacheLookups,
    });
    const invalidations = createInvalidations({ target: db.target, cache, logger, metrics });
    await invalidations.start();
    cleanup.unshift(() => invalidations.stop());
    const live = createLiveEvents({ target: db.target, clock, logger });
    await live.start();
    cleanup.unshift(() => live.stop());
    const sessions = createSessionService({
      events: live.sessionEvents,
      orm: db.orm,
      clock,
      logger,
      cache,
      invalidations,
      idleTtlSec,
      absoluteTtlSec,
    });
    const cookies = createCookieTransport({
      production: config.production,
      sameSite,
      idleTtlSec,
      secrets: secrets.sessionSecrets,
      sessions,
    });
    const audit = createAuditLog({ clock, logger });
    const mail = await startMail({ config, db, clock, logger, audit, metrics });
    cleanup.unshift(() => mail.stop());
    const limitStore = openRateLimitStore({ target: db.target, logger });
    cleanup.unshift(limitStore.close);
    const rateLimitStore = limitStore.store;
    const accounts = createAccounts({ config, mail, rateLimitStore, clock, audit, logger, sessions });
    const accessTokens = createAccessTokens({
      keys,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ttlSec: config.jwt.accessTokenTtlSec,
      clock,
    });
    const container = createResolverContainer({
      accounts,
      modules: modules.list,
      factors: createFactors({ config, logger, clock, audit }),
      passkeys: { webauthn: config.webauthn, clock, logger },
      live: live.publisher,
      sessionEvents: live.sessionEvents,
      sessions,
      invalidations,
      audit,
      clock,
      cookies,
      accessTokens,
      refreshTokens: new RefreshTokenService({
        codec: createRefreshTokenCodec(secrets.sessionSecrets[0]!),
        clock,
        reuseGraceSec: config.session.refreshReuseGraceSec,
        extendSession: sessions.extend,
      }),
      credentials: await createCredentialCheck({ passwords }),
      passwords,
      rateLimits: createRateLimits(config.rateLimit, rateLimitStore),
      deviceTokens: createDeviceTokens({ secrets: secrets.sessionSecrets, clock }),
      deviceCookie: createDeviceCookie({ production: config.production, sameSite }),
    });
    if (config.admin) {
      const outcome = await ensureAdmin(db.orm.em.fork() as Em, clock, config.admin, passwords.hash);
      logger.info({ outcome }, 'bootstrap admin checked');
    }

    const declared = await buildDeclaredSchema(modules.resolvers, { container, pubSub: live.pubSub });
    const schema = enforceAuthorization(declared, {
      clock,
      requireMfaForRoles: config.factors.requireMfaForRoles,
      onDenied: (denial, coordinate, context) => {
        const { viewer, meta } = context as GraphQLContext;
        if (viewer) auditDenial({ audit, em: db.orm.em.fork() as Em }, viewer, meta, coordinate, denial.kind);
      },
    });

    const { app, httpServer } = createExpressServer();
    const apollo = createApolloServer({ schema, httpServer, config, logger });
    apollo.addPlugin(responseExtensionsPlugin());
    apollo.addPlugin(metrics.loginPlugin);
    await apollo.start();
    cleanup.unshift(() => apollo.stop());

    applyExpressSettings(app, { trustProxy: config.trustProxy });
    if (metrics.enabled) cleanup.unshift(observeHttpDuration(metrics.httpDuration, httpServer));
    // Each handler sequence is one Express layer: every layer walked costs a path match (handler-sequence.ts).
    app.use(everyRequest({ logger, landingPage: config.graphql.introspection }));
    const authenticate = metrics.counted(createAuthenticate({ tokens: accessTokens, sessions, cookies }));
    const forkEm = () => db.orm.em.fork() as Em;
    const liveServer = startLiveGraphQL({
      ...{ httpServer, app, schema, config, authenticate, sessions, invalidations, forkEm, clock, logger },
      connections: metrics.websocketConnections,
    });
    cleanup.unshift(() => liveServer.stop()); // before Apollo's drain, which waits for every connection
    app.use(
      '/graphql',
      handlerSequence(
        graphqlGuards(config),
        authenticationMiddleware({ authenticate, clock, cookies }),
        jsonBody({ limitBytes: 100 * 1024 }),
        expressMiddleware(apollo, { context: graphqlContext(forkEm) }),
      ),
    );
    // After /graphql, so that GraphQL requests do not walk these routers first.
    app.use(operationsRoutes({ metrics, token: config.metricsToken, db, invalidations }));
    app.use(jwksRoute(keys));
    app.use(httpErrorHandler(logger));

    let stopping: Promise<void> | undefined;
    return {
      httpServer,
      db,
      audit,
      sessions,
      invalidations,
      cache,
      mail,
      live: { events: live, sockets: liveServer.sockets },
      passwords,
      listen(port, host) {
        return new Promise((resolve, reject) => {
          httpServer.once('error', reject);
          httpServer.listen(port, host, () => resolve(httpServer.address() as AddressInfo));
        });
      },
      stop() {
        stopping ??= runAll(cleanup, logger);
        return stopping;
      },
    };
  } catch (error) {
    await runAll(cleanup, logger);
    throw error;
  }
}
