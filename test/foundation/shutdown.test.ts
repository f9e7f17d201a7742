import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Issue 16: SIGTERM drains. Against the compiled server (`npm test` builds first), as an orchestrator stops it:
// work in flight is answered, new connections are refused, idle keep-alive connections are closed at once, and a
// connection that never finishes its request cannot hold the process past main.ts's 15 s bound (past it, main
// exits 1: so exit code 0 is the proof that the drain finished inside the bound). Nothing here waits on a timer:
// every step awaits what the server does (a 100 Continue, a log line, a refused connection, a close, the exit).
const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');
const ME = JSON.stringify({ query: '{ me { id } }' });

interface Running {
  readonly child: ChildProcess;
  readonly port: number;
  readonly exited: Promise<number | null>;
  /** Resolves when the server has written a log line matching `pattern`. */
  logged(pattern: RegExp): Promise<void>;
}

function start(): Promise<Running> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'info',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'gatehouse-drain-')),
      PORT: '0',
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...waiters]) {
      if (w.pattern.test(out)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const logged = (pattern: RegExp) =>
    new Promise<void>((resolve) => {
      if (pattern.test(out)) resolve();
      else waiters.push({ pattern, resolve });
    });
  return Promise.race([
    logged(/Gatehouse is ready/).then(() => {
      const port = Number(/"url":"http:\/\/[^:]+:(\d+)\/graphql"/.exec(out)?.[1]);
      return { child, port, exited, logged };
    }),
    exited.then((code) => Promise.reject(new Error(`server exited with ${code}:\n${out}`))),
  ]);
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the socket receives, and a way to await the text it must contain. */
function received(socket: Socket) {
  let text = '';
  const waiters: { test: (t: string) => boolean; resolve: () => void }[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    text += chunk;
    for (const w of [...waiters]) {
      if (w.test(text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    text: () => text,
    closed,
    until: (test: (t: string) => boolean) =>
      Promise.race([
        new Promise<void>((resolve) => (test(text) ? resolve() : waiters.push({ test, resolve }))),
        closed.then(() => {
          if (!test(text)) throw new Error(`connection closed after:\n${text}`);
        }),
      ]),
  };
}

/** A complete final (non-1xx) response with its Content-Length body. */
function finalResponse(text: string): { status: number; body: string } | undefined {
  const responses = text.split(/(?=HTTP\/1\.1 \d{3} )/).filter((r) => !/^HTTP\/1\.1 1\d\d /.test(r));
  const last = responses[0];
  const end = last?.indexOf('\r\n\r\n') ?? -1;
  if (!last || end < 0) return undefined;
  const headers = last.slice(0, end);
  const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? NaN);
  const body = last.slice(end + 4);
  if (Buffer.byteLength(body) < length) return undefined;
  return { status: Number(last.slice(9, 12)), body };
}

/** Sends a request's head (asking for 100 Continue) and the first half of its body: the server holds it open. */
async function startSlowRequest(port: number) {
  const socket = await open(port);
  const answer = received(socket);
  socket.write(
    'POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(ME)}\r\nExpect: 100-continue\r\n\r\n`,
  );
  // The server answered 100 Continue: it has the request and its handler is waiting for the body.
  await answer.until((t) => t.includes('HTTP/1.1 100 Continue'));
  socket.write(ME.slice(0, 10));
  return { socket, answer };
}

/** Keeps connecting until the server refuses: the listener is closed (no timer: each refusal is an event). */
async function refusedConnection(port: number): Promise<string> {
  for (;;) {
    try {
      (await open(port)).destroy();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      // A connection queued in the backlog as the listener closed is reset, not refused: try again.
      if (code !== 'ECONNRESET') return code;
    }
  }
}

describe('SIGTERM', () => {
  it('answers in-flight work, refuses new connections, closes idle ones and exits 0 within the bound despite a stuck one', async () => {
    const server = await start();
    try {
      // An idle keep-alive connection: one request answered, then nothing.
      const idle = await open(server.port);
      const idleAnswer = received(idle);
      idle.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
      await idleAnswer.until((t) => finalResponse(t) !== undefined);
      expect(finalResponse(idleAnswer.text())?.status).toBe(200);

      const inFlight = await startSlowRequest(server.port);
      const stuck = await startSlowRequest(server.port);

      server.child.kill('SIGTERM');
      await server.logged(/shutting down/);
      expect(await refusedConnection(server.port)).toBe('ECONNREFUSED');
      await idleAnswer.closed; // closed by the server at once: an idle connection holds nothing up

      // The in-flight request still gets its whole answer.
      inFlight.socket.write(ME.slice(10));
      await inFlight.answer.until((t) => finalResponse(t) !== undefined);
      const response = finalResponse(inFlight.answer.text())!;
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ data: { me: null } });

      // The stuck request is cut off when the drain's grace ends; the process exits 0, so inside main's bound.
      await stuck.answer.closed;
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill('SIGKILL');
    }
  }, 60_000);
});
