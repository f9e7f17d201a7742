import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { viewerOf, type Viewer } from '../authz/viewer.js';
import type { Invalidation } from '../sessions/invalidation.js';
import type { SessionAdmission } from '../sessions/session-admission.js';
import { CloseCode } from './close-codes.js';

/** One open socket as the registry sees it. */
export interface LiveSocket {
  readonly ip: string;
  /** Null until connection_init, and for anonymous sockets. */
  sessionId: string | null;
  userId: string | null;
  /** The session's current state: re-read at every event and at every invalidation of its session or user. */
  viewer: Viewer | null;
  readonly streams: Set<{ recheck(): void }>;
  /** Closes the socket (the first call wins). */
  close(code: number, reason: string): void;
}

/** A clock that can jump (the test clock) tells its watchers, so expiry timers are re-armed. */
interface JumpingClock extends Clock {
  onJump?(listener: () => void): () => void;
}

export interface LiveSocketsOptions {
  readonly sessions: Pick<SessionAdmission, 'check'>;
  readonly clock: JumpingClock;
  readonly logger: Logger;
  readonly maxPerSession: number;
  readonly maxPerIp: number;
}

/** setTimeout's bound is 2^31-1 ms (~24.8 days): a later expiry is re-armed on the way. */
const MAX_TIMER_MS = 24 * 3600 * 1000;

/**
 * Every live socket of this instance, by address, session and user. Binds each socket to its session: an
 * invalidation of the session or of its user (revocation, logout, password change, role change), or the session's
 * expiry, re-reads the session; a dead one closes the socket with 4403 and the reason.
 *
 * A socket is not activity: an idle session (no HTTP request) expires with its sockets open, so a forgotten tab
 * cannot keep a session alive forever. Activity on HTTP moves the idle expiry, and the timer re-reads it.
 */
export class LiveSockets {
  private readonly byIp = new Map<string, number>();
  private readonly bySession = new Map<string, Set<LiveSocket>>();
  private readonly byUser = new Map<string, Set<LiveSocket>>();
  private readonly timers = new Map<LiveSocket, { at: number; timer: NodeJS.Timeout }>();
  private open = 0;
  private readonly stopWatchingClock: () => void;

  constructor(private readonly options: LiveSocketsOptions) {
    this.stopWatchingClock = options.clock.onJump?.(() => this.rearmAll()) ?? (() => undefined);
  }

  get size(): number {
    return this.open;
  }

  /** Room for one more socket from `ip`? (Asked before the handshake, which then completes synchronously.) */
  hasRoom(ip: string): boolean {
    return (this.byIp.get(ip) ?? 0) < this.options.maxPerIp;
  }

  /** Counts a socket whose handshake completed, until `closed`. */
  opened(socket: LiveSocket): void {
    this.byIp.set(socket.ip, (this.byIp.get(socket.ip) ?? 0) + 1);
    this.open++;
  }

  /** Binds an admitted socket to the session it authenticated; false when that session has too many sockets. */
  bind(socket: LiveSocket, viewer: Viewer): boolean {
    const set = this.bySession.get(viewer.sessionId);
    if (set && set.size >= this.options.maxPerSession) return false;
    socket.sessionId = viewer.sessionId;
    socket.userId = viewer.userId;
    socket.viewer = viewer;
    add(this.bySession, viewer.sessionId, socket);
    add(this.byUser, viewer.userId, socket);
    return true;
  }

  /** Forgets a socket that closed. */
  closed(socket: LiveSocket): void {
    const n = (this.byIp.get(socket.ip) ?? 1) - 1;
    if (n > 0) this.byIp.set(socket.ip, n);
    else this.byIp.delete(socket.ip);
    this.open--;
    if (socket.sessionId) remove(this.bySession, socket.sessionId, socket);
    if (socket.userId) remove(this.byUser, socket.userId, socket);
    clearTimeout(this.timers.get(socket)?.timer);
    this.timers.delete(socket);
  }

  /** Re-reads a socket's session: true while it lives (the viewer is updated), else the socket is closed. */
  async refresh(socket: LiveSocket): Promise<boolean> {
    if (!socket.sessionId) return true;
    let result;
    try {
      result = await this.options.sessions.check(socket.sessionId);
    } catch (error) {
      // Never trust a session we could not check: the client reconnects when the database is back.
      this.options.logger.warn({ err: error }, 'live socket: session check failed; closing');
      socket.close(CloseCode.INTERNAL_ERROR, 'SESSION_CHECK_FAILED');
      return false;
    }
    if (!result.ok) {
      socket.close(CloseCode.SESSION_ENDED, result.reason);
      return false;
    }
    socket.viewer = viewerOf(result.state);
    this.arm(
      socket,
      Math.min(result.state.idleExpiresAt.getTime(), result.state.absoluteExpiresAt.getTime()),
    );
    return true;
  }

  /** An invalidation heard (or made) here: every socket of that session or user re-reads it, and re-checks. */
  recheck(invalidation: Invalidation): void {
    const sockets = (invalidation.kind === 'session' ? this.bySession : this.byUser).get(invalidation.id);
    for (const socket of [...(sockets ?? [])]) void this.recheckSocket(socket);
  }

  /** Closes every socket (shutdown) and stops the timers. */
  closeAll(code: number, reason: string, sockets: Iterable<LiveSocket>): void {
    this.stopWatchingClock();
    for (const socket of sockets) socket.close(code, reason);
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async recheckSocket(socket: LiveSocket): Promise<void> {
    if (await this.refresh(socket)) for (const stream of [...socket.streams]) stream.recheck();
  }

  private arm(socket: LiveSocket, at: number): void {
    const current = this.timers.get(socket);
    if (current?.at === at) return;
    clearTimeout(current?.timer);
    const delay = Math.min(Math.max(0, at - this.options.clock.now().getTime()), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.timers.delete(socket);
      void this.recheckSocket(socket);
    }, delay);
    timer.unref();
    this.timers.set(socket, { at, timer });
  }

  private rearmAll(): void {
    for (const [socket, { at, timer }] of [...this.timers]) {
      clearTimeout(timer);
      this.timers.delete(socket);
      this.arm(socket, at);
    }
  }
}

function add(map: Map<string, Set<LiveSocket>>, key: string, socket: LiveSocket): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(socket);
}

function remove(map: Map<string, Set<LiveSocket>>, key: string, socket: LiveSocket): void {
  const set = map.get(key);
  set?.delete(socket);
  if (set?.size === 0) map.delete(key);
}
