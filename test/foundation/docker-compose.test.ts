import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { productionEnv } from '../support/production-env.js';

// No Docker engine runs here: the compose file and Dockerfile are checked by reading them.
const root = join(__dirname, '..', '..');

interface Compose {
  services: Record<string, Record<string, unknown>>;
  volumes?: Record<string, unknown>;
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as Compose;

  it('runs PostgreSQL from the official image with a healthcheck and a named volume', () => {
    const pg = compose.services.postgres!;
    expect(String(pg.image)).toMatch(/^postgres:\d+/);
    const health = pg.healthcheck as { test: string[] };
    expect(health.test.join(' ')).toMatch(/pg_isready/);
    const volume = (pg.volumes as string[])[0]!.split(':')[0]!;
    expect(compose.volumes).toHaveProperty(volume);
  });

  it('builds the api from the Dockerfile, waits for a healthy database, reads .env, runs 3 replicas', () => {
    const api = compose.services.api!;
    expect(api.build).toMatchObject({ context: '.', dockerfile: 'Dockerfile' });
    expect(api.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(api.env_file).toBe('.env');
    expect(api.deploy).toMatchObject({ replicas: 3 });
    // Replicas cannot share a published port: only the balancer publishes 4000.
    expect(api.ports).toBeUndefined();
    expect(api.expose).toContain('4000');
    const env = api.environment as Record<string, string>;
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    expect(env.NODE_ENV).toBe('production');
  });
});

describe('HAProxy in docker-compose.yml', () => {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as Compose;
  const cfg = readFileSync(join(root, 'haproxy', 'haproxy.cfg'), 'utf8');

  it('publishes 4000 and mounts haproxy/haproxy.cfg', () => {
    const lb = compose.services.haproxy!;
    expect(String(lb.image)).toMatch(/^haproxy:\d/);
    expect(lb.ports).toContain('4000:4000');
    expect(lb.volumes).toContain('./haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
  });

  it('balances round robin over the api replicas, checks /readyz and retries a dead replica elsewhere', () => {
    expect(cfg).toMatch(/^\s*balance roundrobin$/m);
    expect(cfg).toMatch(/^\s*option httpchk GET \/readyz$/m);
    expect(cfg).toMatch(/^\s*option redispatch$/m);
    expect(cfg).toMatch(/^\s*retries \d+$/m);
    expect(cfg).toMatch(/^\s*server-template api 3 api:4000 check/m);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

  it('is multi-stage and runs the compiled server as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/CMD \["node", "dist\/main\.js"\]/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });
});

describe('.env.example', () => {
  // docker compose runs the API in production, which refuses to start without some settings: the example file an
  // operator copies must name every one of them, or `docker compose up` fails on a fresh checkout.
  it('names every setting production refuses to start without', async () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const named = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    const env = await productionEnv();
    expect(() => loadConfig(env)).not.toThrow();
    const required = Object.keys(env).filter((name) => {
      if (name === 'NODE_ENV') return false;
      const without = { ...env, [name]: undefined };
      try {
        loadConfig(without);
        return false;
      } catch {
        return true;
      }
    });
    expect(required).toEqual(
      expect.arrayContaining([
        'PUBLIC_URL',
        'JWT_KEYS',
        'SESSION_SECRETS',
        'SMTP_URL',
        'FACTOR_ENCRYPTION_KEY',
      ]),
    );
    expect(required.filter((name) => !named.has(name))).toEqual([]);
  });
});
