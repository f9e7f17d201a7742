/** A secret must be at least this long, as UTF-8 (the HMAC-SHA256 block of cookie signatures wants 256 bits). */
export const MIN_SECRET_BYTES = 32;
/**
 * At least this many different characters. Not 16: `openssl rand -hex 32` (64 hex digits) misses one of the 16
 * digits about one time in four, and a rule must never refuse what the README tells operators to run.
 */
export const MIN_DISTINCT_CHARS = 12;
/** The estimated entropy (characters × their empirical Shannon entropy) a secret must reach. */
export const MIN_ESTIMATED_BITS = 128;

/**
 * Why a secret looks weak, or undefined. A heuristic against placeholders and typing, not a proof of
 * randomness: it refuses short strings, repeated patterns (`abcabc…`), few distinct characters (`aaaa…1`) and a
 * low estimated entropy, and accepts what `openssl rand -base64 48` or `-hex 32` print. A keyboard run such as
 * `abcdefgh…` still passes; generate secrets, never type them.
 */
export function secretWeakness(secret: string): string | undefined {
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) return `shorter than ${MIN_SECRET_BYTES} bytes`;
  const chars = [...secret];
  // A string is a repetition of a shorter unit exactly when it occurs inside itself doubled, off the ends.
  if ((secret + secret).indexOf(secret, 1) < secret.length) return 'a repeated pattern';
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  if (counts.size < MIN_DISTINCT_CHARS) return `fewer than ${MIN_DISTINCT_CHARS} distinct characters`;
  let bitsPerChar = 0;
  for (const n of counts.values()) bitsPerChar -= (n / chars.length) * Math.log2(n / chars.length);
  const bits = Math.floor(bitsPerChar * chars.length);
  if (bits < MIN_ESTIMATED_BITS) return `an estimated ${bits} bits of entropy, under ${MIN_ESTIMATED_BITS}`;
  return undefined;
}
