import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { generateSigningJwk, type SigningAlg } from '../auth/key-set.js';
import { factorKeys } from '../settings/factor-keys.js';
import { validateJwkSet, type JsonWebKeyLike, type ValidJwk } from '../settings/jwk-set.js';
import { runCli } from './run-cli.js';

const USAGE = `usage: npm run keys -- generate [--alg EdDSA|ES256]
       npm run keys -- rotate [--alg EdDSA|ES256] [--keep N] < current-set.json
       npm run keys -- factor-key [--rotate] [< current-list]
  generate    prints a new JWK Set (private keys) for JWT_KEYS
  rotate      reads the current set (JSON on stdin, or the file named by --in) and prints it with a new active key
              first; the old keys stay to verify tokens already issued (keep them for at least ACCESS_TOKEN_TTL),
              --keep N keeps only the N newest old keys
  factor-key  prints a new FACTOR_ENCRYPTION_KEY; with --rotate, reads the current list on stdin and prints it
              with the new key first (keep the old keys until every secret has been used once since)`;

/** `npm run keys`: prints JWK Sets for JWT_KEYS and keys for FACTOR_ENCRYPTION_KEY. Output is a secret: it goes to stdout only, never to a file. */
export async function keysCli(args: readonly string[], stdin: () => string): Promise<string> {
  const [command, ...rest] = args;
  const option = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const alg = (option('--alg') ?? 'EdDSA') as SigningAlg;
  if (alg !== 'EdDSA' && alg !== 'ES256') throw new Error(`unsupported --alg ${alg}\n${USAGE}`);
  if (command === 'generate') {
    return printable([await generateSigningJwk(alg)]);
  }
  if (command === 'factor-key') {
    const fresh = randomBytes(32).toString('hex');
    if (!rest.includes('--rotate')) return fresh;
    // Judged exactly as FACTOR_ENCRYPTION_KEY is at start, so the printed list starts the server.
    const current = factorKeys.safeParse(stdin().trim());
    if (!current.success)
      throw new Error(`the current list would not start the server: ${current.error.issues[0]!.message}`);
    return [fresh, ...current.data].join(',');
  }
  if (command === 'rotate') {
    const file = option('--in');
    const current = readSet(file ? readFileSync(file, 'utf8') : stdin());
    const keep = option('--keep');
    if (keep !== undefined && !/^\d+$/.test(keep)) throw new Error('--keep takes a whole number');
    const old = keep === undefined ? current : current.slice(0, Number(keep));
    return printable([await generateSigningJwk(alg), ...old]);
  }
  throw new Error(USAGE);
}

/** The current set, judged exactly as JWT_KEYS is at start. */
function readSet(text: string): readonly ValidJwk[] {
  const result = validateJwkSet(text);
  if (!result.ok) throw new Error(`the current set would not start the server: ${result.problem}`);
  return result.keys;
}

/** Never prints a set the server would refuse (the same validator as JWT_KEYS). */
function printable(keys: readonly JsonWebKeyLike[]): string {
  const result = validateJwkSet({ keys });
  if (!result.ok) throw new Error(`refusing to print a set the server would refuse: ${result.problem}`);
  return JSON.stringify({ keys: result.keys });
}

if (require.main === module) {
  runCli(async (args) => {
    try {
      process.stdout.write(`${await keysCli(args, () => readFileSync(0, 'utf8'))}\n`);
      return 0;
    } catch (error) {
      console.error((error as Error).message);
      return 2;
    }
  });
}
