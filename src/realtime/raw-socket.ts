import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** Answers an upgrade request with a plain HTTP status, before any WebSocket handshake, and drops it. */
export function refuseUpgrade(duplex: Duplex, status: number, text: string): void {
  duplex.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  duplex.destroy();
}

/**
 * Pings a socket every `intervalMs` and terminates it when the previous ping got no pong: a peer that vanished
 * without a close (a dropped network) frees its slot. Returns the stop function.
 */
export function keepAlive(ws: WebSocket, intervalMs: number): () => void {
  let alive = true;
  ws.on('pong', () => (alive = true));
  const ping = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, intervalMs);
  ping.unref();
  return () => clearInterval(ping);
}
