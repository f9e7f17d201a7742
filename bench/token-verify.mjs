// @ts-check
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { round } from './stats.mjs';

/**
 * The in-process cost of verifying one access token, with the compiled server's own code: cold (the
 * verified-token cache off, so every call checks the Ed25519 signature and the claims) and cached (the steady
 * state of a client that reuses its token until it expires).
 *
 * @param {{ root: string, timeMs: number }} options
 */
export async function benchTokenVerify(options) {
  const require = createRequire(import.meta.url);
  /** @type {typeof import('../src/auth/access-tokens.js')} */
  const { createAccessTokens } = require(join(options.root, 'dist', 'auth', 'access-tokens.js'));
  /** @type {typeof import('../src/auth/key-set.js')} */
  const { generateSigningJwk, loadKeySet } = require(join(options.root, 'dist', 'auth', 'key-set.js'));

  const keys = await loadKeySet([await generateSigningJwk('EdDSA')]);
  const common = {
    keys,
    issuer: 'http://127.0.0.1',
    audience: 'gatehouse',
    ttlSec: 900,
    clock: { now: () => new Date() },
  };
  const cold = createAccessTokens({ ...common, cacheSize: 0 });
  const cached = createAccessTokens(common);
  const { token } = await cold.issue({
    userId: randomUUID(),
    sessionId: randomUUID(),
    roles: [/** @type {import('../src/authz/role.js').Role} */ ('USER')],
  });

  /** @param {import('../src/auth/access-tokens.js').AccessTokens} tokens */
  const verifyOnce = async (tokens) => {
    const result = await tokens.verify(token);
    if (!result.ok) throw new Error(`a freshly issued token did not verify: ${result.reason}`);
  };
  await verifyOnce(cached);

  const bench = new Bench({ time: options.timeMs, warmupTime: Math.min(250, options.timeMs), throws: true });
  bench.add('cold', () => verifyOnce(cold));
  bench.add('cached', () => verifyOnce(cached));
  await bench.run();

  const summary = (/** @type {string} */ name) => {
    const task = bench.getTask(name);
    const result = task?.result;
    if (!result || result.state !== 'completed')
      throw new Error(`token verification bench "${name}" did not complete`);
    return {
      meanUs: round(result.latency.mean * 1000, 2),
      p50Us: round(result.latency.p50 * 1000, 2),
      p99Us: round(result.latency.p99 * 1000, 2),
      opsPerSec: round(result.throughput.mean, 0),
      samples: result.latency.samplesCount,
    };
  };
  const coldStats = summary('cold');
  const cachedStats = summary('cached');
  return {
    algorithm: 'EdDSA (Ed25519)',
    cold: coldStats,
    cached: cachedStats,
    speedup: round((coldStats.meanUs ?? Number.NaN) / (cachedStats.meanUs ?? Number.NaN), 1),
  };
}
