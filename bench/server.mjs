// @ts-check
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Every load generator and every request in the benchmark goes to this address, and nowhere else. */
export const LOOPBACK = '127.0.0.1';
const READY_TIMEOUT_MS = 90_000;
/** main.ts gives its own graceful shutdown 10 s; after that the child is killed. */
const STOP_TIMEOUT_MS = 12_000;
const KEPT_OUTPUT_LINES = 80;
/** How long a child may take to answer a memory sample over IPC before the figure is reported as unknown. */
const SAMPLE_TIMEOUT_MS = 2_000;
/** Preloaded into every child (`--import`): memory and GC figures over IPC, and no orphan if the bench dies. */
const PROBE = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'probe.mjs')).href;

/**
 * Settings every benchmark child gets: production mode on loopback, behind a (pretend) TLS-terminating proxy
 * on loopback so that `Secure` session cookies are issued as in a real deployment, and rate limits far above
 * what the benchmark sends (a throttled benchmark would measure the limiter, not the server).
 */
const BASE_ENV = {
  NODE_ENV: 'production',
  // Production requires an https public origin; the benchmark never follows it (JWT_ISSUER is set below).
  PUBLIC_URL: 'https://gatehouse.bench.invalid',
  // Production requires SMTP_URL; nothing listens there, so mail the benchmark causes is retried, never sent.
  SMTP_URL: 'smtp://bench:bench@127.0.0.1:9',
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
 * @property {string} [entry]  the script to run instead of dist/main.js (the bare server)
 * @property {Record<string, string>} env  secrets, database and LOG_LEVEL for the child
 * @property {string[]} [nodeArgs]  extra `node` flags, e.g. --cpu-prof
 * @property {(line: string) => void} [onLine]  called with every line the child writes to stdout
 * @property {Set<RunningServer>} [track]  holds the child while it runs, for the caller to stop on a signal
 */

/**
 * What the probe in the child reports (bench/probe.mjs): `process.memoryUsage()` now; collections, and the
 * time the event loop spent busy and idle, since start.
 *
 * @typedef {object} ProbeSample
 * @property {NodeJS.MemoryUsage} memory
 * @property {{ count: number, ms: number, minorCount: number, minorMs: number, majorCount: number, majorMs: number }} gc
 * @property {{ activeMs: number, idleMs: number }} loop
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
 * @property {(options?: { collect?: boolean }) => Promise<ProbeSample | undefined>} sample  memory and GC figures
 *   from inside the child; `collect`: after a full garbage collection (a child started with --expose-gc)
 * @property {() => { rssMiB: number, peakRssMiB: number } | undefined} rss  resident set now and at its peak (/proc)
 * @property {() => boolean} resetPeakRss  starts a new peak (/proc/PID/clear_refs); false where that is not possible
 * @property {() => { onCpuMs: number, waitingMs: number } | undefined} mainThreadSchedule  the main thread's time on
 *   a CPU and waiting for one so far (/proc schedstat), where Linux has it
 */

/**
 * Starts `node dist/main.js` in production mode on a free loopback port and waits until /readyz answers 200.
 *
 * @param {ServerOptions} options
 * @returns {Promise<RunningServer>}
 */
export async function startServer(options) {
  const main = options.entry ?? join(options.root, 'dist', 'main.js');
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
  const child = spawn(process.execPath, ['--import', PROBE, ...(options.nodeArgs ?? []), main], {
    cwd: options.root,
    env: {
      PATH: process.env.PATH ?? '',
      ...BASE_ENV,
      PORT: String(port),
      JWT_ISSUER: origin,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Only the probe's answers come over the channel; it must not keep this process alive.
  child.channel?.unref();

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
  const rss = () => (child.pid !== undefined && alive() ? processRss(child.pid) : undefined);
  const resetPeakRss = () => child.pid !== undefined && alive() && resetProcessPeakRss(child.pid);
  const mainThreadSchedule = () =>
    child.pid !== undefined && alive() ? threadSchedule(child.pid, child.pid) : undefined;
  /** @type {(options?: { collect?: boolean }) => Promise<ProbeSample | undefined>} */
  const sample = (options = {}) =>
    new Promise((resolve) => {
      if (!alive() || !child.connected) return resolve(undefined);
      const done = (/** @type {ProbeSample | undefined} */ value) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(value);
      };
      const onMessage = (/** @type {any} */ message) => {
        if (message?.type === 'sample') done({ memory: message.memory, gc: message.gc, loop: message.loop });
      };
      const timer = setTimeout(() => done(undefined), SAMPLE_TIMEOUT_MS);
      child.on('message', onMessage);
      child.send({ type: 'sample', collect: options.collect === true }, (error) => {
        if (error) done(undefined);
      });
    });

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
    sample,
    rss,
    resetPeakRss,
    mainThreadSchedule,
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

/**
 * The resident set of a process now (VmRSS) and at its peak (VmHWM), in MiB, from /proc/PID/status.
 *
 * @param {number} pid
 */
export function processRss(pid) {
  let status;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (/** @type {string} */ field) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  const rssKib = kib('VmRSS');
  const peakKib = kib('VmHWM');
  if (!Number.isFinite(rssKib) || !Number.isFinite(peakKib)) return undefined;
  return { rssMiB: rssKib / 1024, peakRssMiB: peakKib / 1024 };
}

/**
 * Resets a process's peak resident set to its current one (proc(5): writing 5 to clear_refs), so that VmHWM
 * afterwards is the peak of one run; false where the kernel or the permissions do not allow it.
 *
 * @param {number} pid
 */
function resetProcessPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * A thread's time on a CPU and time runnable but waiting for one, in ms, from /proc/PID/task/TID/schedstat (the
 * main thread's TID is the PID). Waiting is what a starved event loop shows: busy, yet not running.
 *
 * @param {number} pid
 * @param {number} tid
 */
function threadSchedule(pid, tid) {
  try {
    const [onCpuNs, waitingNs] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')
      .split(' ')
      .map(Number);
    if (!Number.isFinite(onCpuNs) || !Number.isFinite(waitingNs)) return undefined;
    return { onCpuMs: Number(onCpuNs) / 1e6, waitingMs: Number(waitingNs) / 1e6 };
  } catch {
    return undefined;
  }
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
