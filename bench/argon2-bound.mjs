// @ts-check
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { percentile, round } from './stats.mjs';

/**
 * The ceiling on logins/s: every login verifies one argon2id hash, so one core can log in at most
 * 1 / (CPU time of one verify) users per second. Timed in-process with the compiled server's own password code
 * (dist/users/password-hasher.js, so its parameters are Gatehouse's), first one verify at a time (the bound per core,
 * from CPU time, which a busy neighbour disturbs far less than the wall time also reported), then as many at
 * once as the machine has cores (what the libuv pool gets out of the whole machine, neighbours included). The
 * server runs at most PASSWORD_HASH_CONCURRENCY at once (default: cores - 1, at least 1), so its own bound is
 * that many times the bound per core (`boundCapped`).
 *
 * @param {{ root: string, samples: number }} options
 */
export async function measureArgon2Bound(options) {
  const require = createRequire(import.meta.url);
  /** @type {typeof import('../src/users/password-hasher.js')} */
  const { createPasswordHasher } = require(join(options.root, 'dist', 'users', 'password-hasher.js'));
  /** @type {typeof import('../src/config.js')} */
  const { defaultHashConcurrency } = require(join(options.root, 'dist', 'config.js'));
  // What the machine can do: the server caps argon2 at PASSWORD_HASH_CONCURRENCY, this measures without a cap.
  const passwords = createPasswordHasher({ concurrency: 0, queue: 0 });
  const password = randomBytes(18).toString('base64url');
  const hash = await passwords.hash(password);
  const verify = async () => {
    if (!(await passwords.verify(hash, password))) throw new Error('argon2: a fresh hash did not verify');
  };
  await verify();

  /** @type {number[]} */
  const times = [];
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < options.samples; i++) {
    const started = performance.now();
    await verify();
    times.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuStart);
  times.sort((a, b) => a - b);
  const meanMs = times.reduce((t, v) => t + v, 0) / times.length;

  const cores = os.availableParallelism();
  const parallelCount = Math.max(cores * 2, options.samples);
  const parallelStart = performance.now();
  let next = 0;
  const worker = async () => {
    while (next++ < parallelCount) await verify();
  };
  await Promise.all(Array.from({ length: cores }, worker));
  const parallelSec = (performance.now() - parallelStart) / 1000;

  const cpuMsPerVerify = (cpu.user + cpu.system) / 1000 / times.length;
  const perCore = 1000 / cpuMsPerVerify;
  return {
    parameters: parametersOf(hash),
    samples: times.length,
    verifyMs: {
      mean: round(meanMs, 2),
      p50: round(percentile(times, 50), 2),
      p99: round(percentile(times, 99), 2),
    },
    cpuMsPerVerify: round(cpuMsPerVerify, 2),
    boundPerCore: round(perCore, 1),
    cores,
    boundAllCores: round(perCore * cores, 1),
    defaultCap: defaultHashConcurrency(),
    boundCapped: round(perCore * defaultHashConcurrency(), 1),
    parallel: { verifies: parallelCount, concurrency: cores, perSec: round(parallelCount / parallelSec, 1) },
  };
}

/**
 * The cost parameters written in a PHC string, e.g. `$argon2id$v=19$m=19456,t=2,p=1$…` -> `argon2id m=19456,t=2,p=1`.
 *
 * @param {string} hash
 */
export function parametersOf(hash) {
  const [, algorithm, , params] = hash.split('$');
  return `${algorithm ?? '?'} ${params ?? '?'}`;
}
