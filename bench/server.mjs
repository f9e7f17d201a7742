// @ts-check
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';

/** Every load generator and every request in the benchmark goes to this address, and nowhere else. */
export const LOOPBACK = '127.0.0.1';
const READY_TIMEOUT_MS = 90_000;
/** main.ts gives its own graceful shutdown 10 s; after that the child is killed. */
const STOP_TIMEOUT_MS = 12_000;
const KEPT_OUTPUT_LINES = 80;

/**
 * Settings every benchmark child gets: production mode on loopback, behind a (pretend) TLS-terminating proxy
 * on loopback so that `Secure` session cookies are issued as in a real deployment, and rate limits far above
 * what the benchmark sends (a throttled benchmark would measure the limiter, not the server).
 */
const BASE_ENV = {
  NODE_ENV: 'production',
  // Production requires an https public origin; the benchmark never follows it (JWT_ISSUER is set below).
  PUBLIC_URL: 'https://gatehouse.bench.invalid',
  HOST: LOOPBACK,
  TRUST_PROXY: 'loopback',
  RATE_LIMIT_LOGIN_PER_IP: '1000000',
  RATE_LIMIT_LOGIN_FAILURES: '1000',
  RATE_LIMIT_ACCOUNT_FAILURES: '1000000',
  RATE_LIMIT_REGISTER_PER_IP: '1000000',
  RATE_LIMIT_REFRESH_PER_SESSION: '1000000',
};

/**
 * @typedef {object} ServerOptions
 * @property {string} root  the repository root (dist/main.js is started from there)
 * @property {Record<string, string>} env  secrets, database and LOG_LEVEL for the child
 * @property {string[]} [nodeArgs]  extra `node` flags, e.g. --cpu-prof
 * @property {(line: string) => void} [onLine]  called with every line the child writes to stdout
 * @property {Set<RunningServer>} [track]  holds the child while it runs, for the caller to stop on a signal
 */

/**
 * @typedef {object} RunningServer
 * @property {string} url  http://127.0.0.1:PORT/graphql
 * @property {number} port
 * @property {number | undefined} pid
 * @property {() => boolean} alive
 * @property {() => Promise<number | null>} stop  SIGTERM, then SIGKILL after a timeout; resolves to the exit code
 * @property {() => void} killNow  SIGKILL, synchronously (for process exit)
 * @property {() => string} recentOutput  the child's last lines of stdout and stderr, for error messages
 * @property {() => number | undefined} cpuSeconds  the child's CPU time so far (all threads), where /proc has it
 */

/**
 * Starts `node dist/main.js` in production mode on a free loopback port and waits until /readyz answers 200.
 *
 * @param {ServerOptions} options
 * @returns {Promise<RunningServer>}
 */
export async function startServer(options) {
  const main = join(options.root, 'dist', 'main.js');
  if (!existsSync(main))
    throw new Error(`${main} is missing: run \`npm run build\` first (npm run bench does)`);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await launch(main, port, options);
    } catch (error) {
      // Another process may take the port between our probe and the child's listen: try another one.
      const taken = error instanceof Error && /EADDRINUSE/.test(error.message);
      if (!taken || attempt >= 3) throw error;
    }
  }
}

/**
 * @param {string} main
 * @param {number} port
 * @param {ServerOptions} options
 * @returns {Promise<RunningServer>}
 */
async function launch(main, port, options) {
  const origin = `http://${LOOPBACK}:${port}`;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), main], {
    cwd: options.root,
    env: {
      PATH: process.env.PATH ?? '',
      ...BASE_ENV,
      PORT: String(port),
      JWT_ISSUER: origin,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  /** @type {string[]} */
  const recent = [];
  const keep = (/** @type {string} */ line) => {
    recent.push(line);
    if (recent.length > KEPT_OUTPUT_LINES) recent.shift();
  };
  splitLines(child.stdout, (line) => {
    keep(line);
    options.onLine?.(line);
  });
  splitLines(child.stderr, keep);

  /** @type {number | null | undefined} */
  let exitCode;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 : null);
      resolve(exitCode);
    });
    child.once('error', (error) => {
      keep(`spawn failed: ${error.message}`);
      exitCode = -1;
      resolve(exitCode);
    });
  });
  const alive = () => exitCode === undefined;
  const recentOutput = () => recent.join('\n');
  const killNow = () => {
    if (alive()) child.kill('SIGKILL');
  };
  const stop = async () => {
    if (!alive()) return exitCode ?? null;
    child.kill('SIGTERM');
    const timer = setTimeout(killNow, STOP_TIMEOUT_MS);
    try {
      return /** @type {number | null} */ (await exited);
    } finally {
      clearTimeout(timer);
    }
  };

  const cpuSeconds = () => (child.pid !== undefined && alive() ? processCpuSeconds(child.pid) : undefined);

  /** @type {RunningServer} */
  const server = {
    url: `${origin}/graphql`,
    port,
    pid: child.pid,
    alive,
    stop,
    killNow,
    recentOutput,
    cpuSeconds,
  };
  options.track?.add(server);
  void exited.then(() => options.track?.delete(server));
  try {
    await waitUntilReady(origin, alive);
  } catch (error) {
    await stop();
    // Let the last lines of stderr arrive before quoting them.
    await sleep(50);
    throw new Error(`${errorText(error)}\n--- server output ---\n${recentOutput()}`, { cause: error });
  }
  return server;
}

/**
 * @param {string} origin
 * @param {() => boolean} alive
 */
async function waitUntilReady(origin, alive) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error('the server exited during start-up');
    try {
      const res = await globalThis.fetch(`${origin}/readyz`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`the server was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}

/** A port that was free on loopback a moment ago. */
function freePort() {
  return /** @type {Promise<number>} */ (
    new Promise((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(0, LOOPBACK, () => {
        const address = probe.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        probe.close(() => resolve(port));
      });
    })
  );
}

/** Clock ticks per second of /proc's CPU times (USER_HZ): 100 on practically every Linux. */
const TICKS_PER_SECOND = clockTicksPerSecond();

/**
 * User + system CPU seconds of a process, all threads included (so argon2 in the libuv pool counts), from
 * /proc/PID/stat; undefined where there is no /proc. CPU time per request is what a busy neighbour on a
 * shared machine disturbs least: it slows the server down, but barely changes the work each request costs.
 *
 * @param {number} pid
 */
export function processCpuSeconds(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15 (proc(5)).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks / TICKS_PER_SECOND : undefined;
}

function clockTicksPerSecond() {
  if (!existsSync('/proc/self/stat')) return 100;
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/**
 * @param {import('node:stream').Readable | null} stream
 * @param {(line: string) => void} onLine
 */
function splitLines(stream, onLine) {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (/** @type {string} */ chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.length > 0) onLine(line);
  });
  stream.on('end', () => {
    if (pending.length > 0) onLine(pending);
  });
}

/** @param {unknown} error */
function errorText(error) {
  return error instanceof Error ? error.message : String(error);
}
