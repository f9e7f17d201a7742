// @ts-check
import { randomBytes } from 'node:crypto';
import { newCredentials, registerBearer } from './client.mjs';
import { createBenchDatabase, errorMessage } from './database.mjs';
import { haproxyPath } from './haproxy.mjs';
import { measureBalancer } from './balancer.mjs';
import { measureRevocation } from './revocation.mjs';
import { measureSessionScale } from './session-scale.mjs';
import { startServer } from './server.mjs';

/** One issuer for every instance: a token issued by one must be accepted by the others. */
const ISSUER = 'https://gatehouse.bench.invalid';

/**
 * The issue-16 parts of the benchmark, on several instances of one PostgreSQL database: revocation latency
 * between two instances, throughput through HAProxy with three instances vs one, and the session cache at
 * 10 000 and 100 000 distinct sessions. Without DATABASE_URL (the embedded database belongs to one process)
 * they are skipped, with the reason in the JSON and on the console.
 *
 * @param {object} options
 * @param {string} options.root
 * @param {import('./settings.mjs').BenchSettings} options.settings
 * @param {{ JWT_KEYS: string, SESSION_SECRETS: string }} options.secrets
 * @param {Set<import('./server.mjs').RunningServer>} options.track
 * @param {(message: string) => void} options.progress
 */
export async function measureScaleOut({ root, settings, secrets, track, progress }) {
  if (!settings.databaseUrl) {
    const skipped =
      'needs DATABASE_URL: several instances share one PostgreSQL database (the embedded one belongs to one process)';
    progress(`SKIPPED revocation latency, balancer throughput and session-cache scale: ${skipped}`);
    return { skipped };
  }
  const metricsToken = randomBytes(24).toString('hex');
  const db = await createBenchDatabase(settings.databaseUrl, progress);
  /** @type {import('./server.mjs').RunningServer[]} */
  const instances = [];
  const start = (/** @type {Record<string, string>} */ extra = {}, /** @type {string[]} */ nodeArgs = []) =>
    startServer({
      root,
      env: {
        ...secrets,
        ...db.env,
        LOG_LEVEL: 'warn',
        METRICS_TOKEN: metricsToken,
        JWT_ISSUER: ISSUER,
        ...extra,
      },
      nodeArgs: [...(settings.serverNodeArgs ?? []), ...nodeArgs],
      track,
    });
  try {
    // One at a time: each runs the migrations at start-up.
    for (let i = 0; i < 3; i++) instances.push(await start());
    progress(`three instances on one database: pids ${instances.map((s) => s.pid).join(', ')}`);
    const [a, b] = /** @type {[any, any]} */ (instances);
    const revocation = await measureRevocation({
      servers: { a, b },
      metricsToken,
      revocations: settings.smoke ? 5 : 100,
      progress,
    });

    const haproxy = haproxyPath();
    /** @type {any} */
    let balancer = { skipped: 'no HAProxy (/usr/sbin/haproxy, or HAPROXY_PATH): apt-get install -y haproxy' };
    if (haproxy) {
      const reader = await registerBearer(a.url, newCredentials('balanced'));
      balancer = await measureBalancer({
        haproxy,
        instances,
        accessToken: reader.accessToken,
        settings,
        progress,
      });
    } else progress(`SKIPPED balancer throughput: ${balancer.skipped}`);
    for (const s of instances.splice(0)) await s.stop();

    const sizes = settings.scaleSessions;
    const sessionScale = [];
    for (const count of sizes) {
      // A fresh child per size, so its resident set starts from the same place; entries live for the whole run.
      // --expose-gc: the heap per cached session is read after a full collection (live objects only).
      const server = await start({ SESSION_CACHE_TTL: '300' }, ['--expose-gc']);
      try {
        sessionScale.push(
          await measureSessionScale({
            server,
            databaseUrl: db.env.DATABASE_URL ?? settings.databaseUrl,
            secrets,
            claims: { issuer: ISSUER, audience: 'gatehouse', ttlSec: 900 },
            metricsToken,
            count,
            connections: settings.connections,
            durationSec: settings.smoke ? 1 : 10,
            progress,
          }),
        );
      } finally {
        await server.stop();
      }
    }
    return { revocation, balancer, sessionScale };
  } finally {
    for (const s of instances) await s.stop();
    await db.drop().catch((error) => progress(`could not remove a bench database: ${errorMessage(error)}`));
  }
}
