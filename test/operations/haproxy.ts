import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's HAProxy; `HAPROXY_PATH` points elsewhere. */
export const DEFAULT_HAPROXY = '/usr/sbin/haproxy';

export type HaproxyPlan =
  { readonly run: true; readonly path: string } | { readonly run: false; readonly notice: string };

/**
 * Like the browser suite: a machine without HAProxy (or without PostgreSQL: the embedded database belongs to one
 * process) skips loudly; under CI a missing HAProxy is a failure, since CI installs it.
 */
export function haproxyPlanFromEnv(env: NodeJS.ProcessEnv = process.env): HaproxyPlan {
  const path = env.HAPROXY_PATH || DEFAULT_HAPROXY;
  const ci = env.CI === 'true' || env.CI === '1';
  if (!env.TEST_DATABASE_URL)
    return {
      run: false,
      notice: 'SKIPPED the HAProxy suite — it needs TEST_DATABASE_URL (several processes on one PostgreSQL)',
    };
  if (existsSync(path)) return { run: true, path };
  const howTo = `${path} is missing: the HAProxy suite needs Debian's haproxy (apt-get install -y haproxy)`;
  if (ci) throw new Error(`${howTo}. CI=true: the suite must run, so this is a failure, not a skip.`);
  return { run: false, notice: `SKIPPED the HAProxy suite — ${howTo}` };
}

/** A free loopback port (taken and released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Round robin over `ports`, health-checked on GET /readyz; a refused connection is retried on another server. */
export function haproxyConfig(frontPort: number, ports: readonly number[]): string {
  return [
    'global',
    '  maxconn 512',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 10s',
    '  timeout server 10s',
    // A loaded test machine answers a health check late now and then: one late answer must not take a healthy
    // instance out (with every instance out, HAProxy answers 503 to everything).
    '  timeout check 3s',
    '  retries 3',
    '  option redispatch',
    'frontend api',
    `  bind 127.0.0.1:${frontPort}`,
    '  default_backend gatehouse',
    'backend gatehouse',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    '  http-response set-header X-Served-By %s',
    '  default-server inter 300ms fall 3 rise 2',
    ...ports.map((port, i) => `  server api${i + 1} 127.0.0.1:${port} check`),
    '',
  ].join('\n');
}

export interface Haproxy {
  readonly origin: string;
  stop(): Promise<void>;
}

/** Starts HAProxy in the foreground on a generated config and resolves once it answers. */
export async function startHaproxy(path: string, ports: readonly number[]): Promise<Haproxy> {
  const frontPort = await freePort();
  const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-haproxy-')), 'haproxy.cfg');
  writeFileSync(file, haproxyConfig(frontPort, ports));
  const child: ChildProcess = spawn(path, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${frontPort}`;
  // Each attempt awaits a connection attempt's answer: HAProxy binds within a few of them.
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
    try {
      if ((await fetch(`${origin}/healthz`)).ok) break;
    } catch (error) {
      if (attempt > 2000) throw error;
    }
  }
  return {
    origin,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
