import { readFileSync } from 'node:fs';
import { algFor, generateSigningJwk, loadKeySet, type SigningAlg } from './key-set.js';
import type { JsonWebKeyLike } from '../config.js';
import { runCli } from '../cli.js';

const USAGE = `usage: npm run keys -- generate [--alg EdDSA|ES256]
       npm run keys -- rotate [--alg EdDSA|ES256] [--keep N] < current-set.json
  generate  prints a new JWK Set (private keys) for JWT_KEYS
  rotate    reads the current set (JSON on stdin, or the file named by --in) and prints it with a new active key
            first; the old keys stay to verify tokens already issued (keep them for at least ACCESS_TOKEN_TTL),
            --keep N keeps only the N newest old keys`;

/** `npm run keys`: prints JWK Sets for JWT_KEYS. Output is a secret: it goes to stdout only, never to a file. */
export async function keysCli(args: readonly string[], stdin: () => string): Promise<string> {
  const [command, ...rest] = args;
  const option = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const alg = (option('--alg') ?? 'EdDSA') as SigningAlg;
  if (alg !== 'EdDSA' && alg !== 'ES256') throw new Error(`unsupported --alg ${alg}\n${USAGE}`);
  if (command === 'generate') {
    return JSON.stringify({ keys: [await generateSigningJwk(alg)] });
  }
  if (command === 'rotate') {
    const file = option('--in');
    const current = parseSet(file ? readFileSync(file, 'utf8') : stdin());
    await loadKeySet(current); // refuses a set that would not load at start
    const keep = option('--keep');
    if (keep !== undefined && !/^\d+$/.test(keep)) throw new Error('--keep takes a whole number');
    const old = keep === undefined ? current : current.slice(0, Number(keep));
    return JSON.stringify({ keys: [await generateSigningJwk(alg), ...old] });
  }
  throw new Error(USAGE);
}

function parseSet(text: string): JsonWebKeyLike[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('expected a JWK Set as JSON on stdin: {"keys":[...]}');
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error('expected a JWK Set with at least one key');
  for (const key of keys as JsonWebKeyLike[]) algFor(key);
  return keys as JsonWebKeyLike[];
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
