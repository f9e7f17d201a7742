// @ts-check
/**
 * The benchmark's settings, parsed once from the environment; a bad value stops the run naming the variable.
 *
 * @typedef {object} BenchSettings
 * @property {number} durationSec  seconds per scenario run (BENCH_DURATION)
 * @property {number} rounds  how many times every scenario runs, interleaved (BENCH_ROUNDS)
 * @property {number} warmupSec  seconds of unmeasured load per server and credential before the rounds (BENCH_WARMUP)
 * @property {number} connections  concurrent connections for every scenario but login (BENCH_CONNECTIONS)
 * @property {number} loginConnections  concurrent connections for login, argon2-bound (BENCH_LOGIN_CONNECTIONS)
 * @property {number} countRequests  requests per transport in the query-counting phase (BENCH_COUNT_REQUESTS)
 * @property {number} verifyTimeMs  tinybench time budget per token-verification task
 * @property {number} argon2Samples  argon2id verifications timed one at a time for the login bound
 * @property {number} settleMs  a pause after each run, so the next does not start on its leftovers (argon2)
 * @property {string} out  where the JSON goes (BENCH_OUT)
 * @property {string | undefined} databaseUrl  a PostgreSQL server (DATABASE_URL), else the embedded database
 * @property {string[]} serverNodeArgs  extra `node` flags for the server, e.g. --cpu-prof (BENCH_SERVER_NODE_ARGS)
 * @property {number[]} scaleSessions  distinct sessions of the session-cache scale part (BENCH_SCALE_SESSIONS)
 * @property {boolean} smoke  a seconds-long run that only proves the benchmark works (BENCH_SMOKE)
 */

/**
 * @param {Readonly<Record<string, string | undefined>>} env
 * @returns {BenchSettings}
 */
export function loadSettings(env) {
  const smoke = flag(env, 'BENCH_SMOKE');
  return Object.freeze({
    durationSec: number(env, 'BENCH_DURATION', smoke ? 1 : 3, 0.5, 3600),
    rounds: integer(env, 'BENCH_ROUNDS', smoke ? 1 : 5, 1, 1000),
    warmupSec: number(env, 'BENCH_WARMUP', smoke ? 1 : 12, 0, 600),
    connections: integer(env, 'BENCH_CONNECTIONS', 10, 1, 1000),
    loginConnections: integer(env, 'BENCH_LOGIN_CONNECTIONS', 4, 1, 100),
    countRequests: integer(env, 'BENCH_COUNT_REQUESTS', smoke ? 10 : 100, 1, 100_000),
    verifyTimeMs: smoke ? 100 : 1000,
    argon2Samples: smoke ? 4 : 40,
    settleMs: smoke ? 100 : 500,
    out: present(env.BENCH_OUT) ?? 'bench-results.json',
    databaseUrl: present(env.DATABASE_URL),
    serverNodeArgs: (present(env.BENCH_SERVER_NODE_ARGS) ?? '').split(/\s+/).filter(Boolean),
    scaleSessions: sessionCounts(env, smoke),
    smoke,
  });
}

/** A setting that failed validation. */
export class SettingsError extends Error {
  /** @override */
  name = 'SettingsError';
}

/** @param {string | undefined} value */
function present(value) {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * @param {Readonly<Record<string, string | undefined>>} env
 * @param {string} name
 */
function flag(env, name) {
  const value = present(env[name])?.toLowerCase();
  if (value === undefined) return false;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new SettingsError(`${name}: expected true or false, got "${env[name]}"`);
}

/**
 * @param {Readonly<Record<string, string | undefined>>} env
 * @param {string} name
 * @param {number} fallback
 * @param {number} min
 * @param {number} max
 */
function number(env, name, fallback, min, max) {
  const raw = present(env[name]);
  if (raw === undefined) return fallback;
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new SettingsError(`${name}: expected a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/**
 * @param {Readonly<Record<string, string | undefined>>} env
 * @param {string} name
 * @param {number} fallback
 * @param {number} min
 * @param {number} max
 */
function integer(env, name, fallback, min, max) {
  const value = number(env, name, fallback, min, max);
  if (!Number.isInteger(value)) throw new SettingsError(`${name}: expected an integer, got "${env[name]}"`);
  return value;
}

/**
 * A comma-separated list of session counts, each 10 to 1 000 000.
 *
 * @param {Readonly<Record<string, string | undefined>>} env
 * @param {boolean} smoke
 */
function sessionCounts(env, smoke) {
  const raw = present(env.BENCH_SCALE_SESSIONS);
  if (raw === undefined) return smoke ? [200] : [10_000, 100_000];
  return raw.split(',').map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < 10 || value > 1_000_000)
      throw new SettingsError(`BENCH_SCALE_SESSIONS: expected counts from 10 to 1000000, got "${raw}"`);
    return value;
  });
}
