// @ts-check
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOOPBACK } from './server.mjs';

/** Debian's HAProxy; `HAPROXY_PATH` points elsewhere. */
export const DEFAULT_HAPROXY = '/usr/sbin/haproxy';

/** The HAProxy binary to use, or undefined when there is none (the balancer part is then skipped, saying so). */
export function haproxyPath(env = process.env) {
  const path = env.HAPROXY_PATH || DEFAULT_HAPROXY;
  return existsSync(path) ? path : undefined;
}

/**
 * The configuration the operations test uses (test/operations/haproxy.ts, mirrored rather than imported: the
 * benchmark never loads test code): round robin over `ports`, health-checked on GET /readyz; only the check's
 * patience differs (below).
 *
 * @param {number} frontPort
 * @param {readonly number[]} ports
 */
export function haproxyConfig(frontPort, ports) {
  return [
    'global',
    '  maxconn 512',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 10s',
    '  timeout server 10s',
    '  retries 3',
    '  option redispatch',
    'frontend api',
    `  bind ${LOOPBACK}:${frontPort}`,
    '  default_backend gatehouse',
    'backend gatehouse',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    // The test's checks (every 200 ms, down after one miss) take a saturated instance out of rotation, and a
    // benchmark would then measure 503s: here a check may take 2 s, and three misses in a row mark it down.
    '  timeout check 2s',
    '  default-server inter 500ms fall 3 rise 1',
    ...ports.map((port, i) => `  server api${i + 1} ${LOOPBACK}:${port} check`),
    '',
  ].join('\n');
}

/**
 * @typedef {object} Balancer
 * @property {string} url  http://127.0.0.1:PORT/graphql, through HAProxy
 * @property {number | undefined} pid
 * @property {() => Promise<void>} stop
 * @property {() => void} killNow
 */

/**
 * Starts HAProxy in the foreground on a generated config and resolves once every backend passed its health
 * check (a request through it is answered by each of them).
 *
 * @param {string} path
 * @param {readonly number[]} ports
 * @returns {Promise<Balancer>}
 */
export async function startHaproxy(path, ports) {
  const frontPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, haproxyConfig(frontPort, ports));
  const child = spawn(path, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (/** @type {Buffer} */ chunk) => (stderr += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const killNow = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  // Whatever happens to the benchmark, no HAProxy outlives it.
  process.on('exit', killNow);
  const stop = async () => {
    process.off('exit', killNow);
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const origin = `http://${LOOPBACK}:${frontPort}`;
  const deadline = Date.now() + 20_000;
  // Health checks run every 200 ms and start with the servers down: ready once all are up, at most 20 s.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not reach all ${ports.length} servers within 20 s: ${stderr}`);
    }
    try {
      const res = await globalThis.fetch(`${origin}/readyz`);
      await res.arrayBuffer();
      if (res.ok && (await allUp(origin, ports.length))) break;
    } catch {
      // Not bound yet.
    }
    await sleep(100);
  }
  return { url: `${origin}/graphql`, pid: child.pid, stop, killNow };
}

/**
 * Whether `count` consecutive requests all succeed: with round robin, each server has then answered one.
 *
 * @param {string} origin
 * @param {number} count
 */
async function allUp(origin, count) {
  for (let i = 0; i < count * 2; i++) {
    const res = await globalThis.fetch(`${origin}/readyz`);
    await res.arrayBuffer();
    if (!res.ok) return false;
  }
  return true;
}

/** A port that was free on loopback a moment ago. */
function freePort() {
  return /** @type {Promise<number>} */ (
    new Promise((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(0, LOOPBACK, () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    })
  );
}
