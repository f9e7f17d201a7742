import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  specifiedRules,
  type ExecutionResult,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { handleProtocols, makeServer } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RequestMeta } from '../audit/audit-log.js';
import type { Authenticate } from '../auth/authenticate.js';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import type { Logger } from '../logger.js';
import { CloseCode, closeCodeForRejection } from './close-codes.js';
import { keepAlive, refuseUpgrade } from './raw-socket.js';
import type { LiveContext } from './live-context.js';
import { LiveSockets, type LiveSocket } from './live-sockets.js';
import { SubscribeRate } from './subscribe-rate.js';
import { refusal, subscriptionDocument } from './subscription-document.js';

/** A socket as graphql-ws's callbacks see it. */
interface Extra {
  readonly socket: ServerSocket;
}

interface ServerSocket extends LiveSocket {
  readonly cookie: string | undefined;
  readonly meta: RequestMeta;
  readonly rate: SubscribeRate;
}

export interface LiveServerOptions {
  readonly httpServer: Server;
  readonly schema: GraphQLSchema;
  readonly authenticate: Authenticate;
  readonly sockets: LiveSockets;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Is this exact origin allowed to send the session cookie (the CORS allow-list)? */
  readonly originAllowed: (origin: string) => boolean;
  /** The client's address, honouring TRUST_PROXY like HTTP requests. */
  readonly clientIp: (req: IncomingMessage) => string;
  /** A fresh EntityManager per operation. */
  readonly forkEm: () => Em;
  readonly validationRules: readonly ValidationRule[];
  readonly formatError: (formatted: GraphQLFormattedError, raw: unknown) => GraphQLFormattedError;
  readonly limits: {
    readonly connectionInitTimeoutSec: number;
    readonly maxMessageBytes: number;
    readonly maxSubscriptionsPerSocket: number;
    readonly maxSubscribesPerMinute: number;
    readonly maxBufferedBytes: number;
    readonly maxTokens: number;
  };
  /** The `gatehouse_websocket_connections` gauge. */
  readonly connections?: { inc(): void; dec(): void };
}

export interface LiveServer {
  /** Refuses new sockets, closes the open ones with 1001 and waits for them to be gone. */
  stop(): Promise<void>;
}

const PATH = '/graphql';
const PING_INTERVAL_MS = 15_000;
const STOP_GRACE_MS = 2000;

/**
 * GraphQL over WebSocket (graphql-ws protocol) on the HTTP server's `/graphql`, next to Apollo. The upgrade is
 * refused before the handshake when it carries a cookie from an origin outside the allow-list (cross-site
 * WebSocket hijacking) or when its address has too many sockets. Identification happens at `connection_init`
 * through the same path as HTTP: the payload's `authorization` decides alone when present, else the upgrade's
 * cookie, else anonymous. Only subscriptions are served here: queries and mutations go over HTTP, where cookies,
 * CSRF prevention and the rate limits live.
 */
export function createLiveServer(options: LiveServerOptions): LiveServer {
  const { httpServer, schema, authenticate, sockets, clock, logger, limits } = options;
  const rules = [...specifiedRules, ...options.validationRules];
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    handleProtocols: (protocols) => handleProtocols(protocols) || false,
  });
  /** Each open socket, and when it is gone. */
  const open = new Map<ServerSocket, Promise<void>>();
  let stopping = false;
  const format = (error: GraphQLError) => options.formatError(error.toJSON(), error);

  const server = makeServer<Record<string, unknown> | undefined, Extra>({
    schema,
    connectionInitWaitTimeout: limits.connectionInitTimeoutSec * 1000,
    async onConnect(ctx) {
      const { socket } = ctx.extra;
      const authorization = ctx.connectionParams?.authorization;
      if (authorization !== undefined && typeof authorization !== 'string') {
        socket.close(CloseCode.BAD_REQUEST, 'TOKEN_INVALID');
        return false;
      }
      // The same identification as HTTP; a bearer token, when present, decides alone (never the cookie).
      const who = await authenticate(
        authorization !== undefined ? { authorization } : { cookie: socket.cookie },
        clock.now(),
      );
      if (who.kind === 'rejected') {
        socket.close(closeCodeForRejection(who), who.reason);
        return false;
      }
      if (who.kind === 'viewer') {
        if (!sockets.bind(socket, who.viewer)) {
          socket.close(CloseCode.TOO_MANY, 'TOO_MANY_SOCKETS');
          return false;
        }
        // Arms the expiry timer (and closes the socket if the session ended meanwhile).
        return sockets.refresh(socket);
      }
      return true;
    },
    onSubscribe(ctx, id, payload) {
      const { socket } = ctx.extra;
      if (!socket.rate.take(clock.now().getTime())) {
        socket.close(CloseCode.TOO_MANY, 'SUBSCRIBE_RATE');
        return [refusal('Too many subscribe messages', 'RATE_LIMITED', 'SUBSCRIBE_RATE')];
      }
      // graphql-ws has already reserved this id: it counts.
      if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerSocket) {
        return [refusal('Too many subscriptions on this socket', 'BAD_REQUEST', 'TOO_MANY_SUBSCRIPTIONS')];
      }
      const checked = subscriptionDocument(schema, payload, { rules, maxTokens: limits.maxTokens });
      if ('errors' in checked) return [...checked.errors];
      const contextValue: LiveContext = {
        em: options.forkEm(),
        get viewer() {
          return socket.viewer;
        },
        meta: socket.meta,
        live: {
          refresh: () => sockets.refresh(socket),
          track(stream) {
            socket.streams.add(stream);
            return () => socket.streams.delete(stream);
          },
        },
      };
      return {
        schema,
        document: checked.document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue,
      };
    },
    // The same masking and codes as Apollo's answers.
    onNext: (_ctx, _id, _payload, _args, result: ExecutionResult) =>
      result.errors ? { ...result, errors: result.errors.map(format) } : undefined,
    onError: (_ctx, _id, _payload, errors) => errors.map(format),
  });

  const onUpgrade = (req: IncomingMessage, duplex: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== PATH) return refuseUpgrade(duplex, 404, 'Not Found');
    if (stopping) return refuseUpgrade(duplex, 503, 'Service Unavailable');
    const origin = req.headers.origin;
    const cookie = req.headers.cookie;
    // A browser attaches the cookie to any site's upgrade: only the allow-list's pages may use it.
    if (cookie !== undefined && (origin === undefined || !options.originAllowed(origin))) {
      return refuseUpgrade(duplex, 403, 'Forbidden');
    }
    const ip = options.clientIp(req);
    if (!sockets.hasRoom(ip)) return refuseUpgrade(duplex, 429, 'Too Many Requests');
    wss.handleUpgrade(req, duplex, head, (ws) => connected(ws, req, ip, cookie));
  };

  const connected = (ws: WebSocket, req: IncomingMessage, ip: string, cookie: string | undefined) => {
    const userAgent = req.headers['user-agent'];
    let closing = false;
    const socket: ServerSocket = {
      ip,
      cookie,
      sessionId: null,
      userId: null,
      viewer: null,
      streams: new Set(),
      meta: { ip, userAgent: userAgent ? userAgent.slice(0, 512) : null, requestId: 'ws' },
      rate: new SubscribeRate(limits.maxSubscribesPerMinute),
      close(code, reason) {
        if (closing) return;
        closing = true;
        ws.close(code, reason);
      },
    };
    open.set(socket, new Promise((resolve) => ws.once('close', () => resolve())));
    sockets.opened(socket);
    options.connections?.inc();
    // Errors of one socket (a frame over maxPayload: ws closes it with 1009 itself) are that socket's business.
    ws.on('error', (error) => logger.debug({ err: error }, 'live socket error'));
    const stopPings = keepAlive(ws, PING_INTERVAL_MS);
    const closed = server.opened(
      {
        protocol: ws.protocol,
        send(data) {
          if (ws.readyState !== ws.OPEN) return;
          // Backpressure: a client that does not read must not make us buffer without bound.
          if (ws.bufferedAmount > limits.maxBufferedBytes) {
            socket.close(CloseCode.SLOW_CONSUMER, 'SLOW_CONSUMER');
            return;
          }
          ws.send(data);
        },
        close: (code, reason) => socket.close(code ?? 1000, reason ?? ''),
        onMessage(handle) {
          ws.on('message', (data) => {
            handle(String(data)).catch((error: Error) => {
              // graphql-ws throws on an unknown message type; anything else is ours: never a crash.
              logger.warn({ err: error }, 'live socket message failed');
              socket.close(CloseCode.BAD_REQUEST, 'BAD_REQUEST');
            });
          });
        },
      },
      { socket },
    );
    ws.once('close', (code, reason) => {
      stopPings();
      open.delete(socket);
      sockets.closed(socket);
      options.connections?.dec();
      closed(code, reason.toString()).catch((error: Error) =>
        logger.warn({ err: error }, 'live socket cleanup failed'),
      );
    });
  };

  httpServer.on('upgrade', onUpgrade);
  return {
    async stop() {
      stopping = true;
      const gone = [...open.values()];
      sockets.closeAll(CloseCode.GOING_AWAY, 'SERVER_SHUTDOWN', open.keys());
      // A client that does not answer the close handshake is cut off, within the app's stop bound.
      const cut = setTimeout(() => wss.clients.forEach((ws) => ws.terminate()), STOP_GRACE_MS);
      await Promise.all(gone);
      clearTimeout(cut);
      httpServer.off('upgrade', onUpgrade);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
