import { createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { decodeCanonicalBase64url } from './base64url.js';

// A leaf module (node:crypto only): the configuration, the key loader and `npm run keys` all judge a JWK Set
// here, so the CLI never prints a set that the server then refuses, and the server never starts on one it
// cannot sign with.

export type SigningAlg = 'EdDSA' | 'ES256';

/** The members of a JWK we rely on before jose imports it. */
export interface JsonWebKeyLike {
  readonly kty: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly crv?: string;
  readonly [member: string]: unknown;
}

/** A private signing key that passed {@link validateJwkSet}: its type is supported and its halves match. */
export interface ValidJwk extends JsonWebKeyLike {
  readonly kid: string;
  readonly d: string;
  readonly x: string;
}

export type JwkSetResult =
  | { readonly ok: true; readonly keys: readonly ValidJwk[] }
  | { readonly ok: false; readonly problem: string };

/** Every coordinate and private scalar of Ed25519 and P-256 is 32 bytes. */
const MEMBER_BYTES = 32;
const SUPPORTED = 'use OKP/Ed25519 or EC/P-256';

/** The algorithm a key is used with, decided by its type and curve (never by a token header); undefined if neither. */
export function algFor(jwk: { kty?: unknown; crv?: unknown }): SigningAlg | undefined {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  return undefined;
}

/**
 * Judges a JWK Set of private signing keys, as JSON text or already parsed: at least one key; each Ed25519 or
 * P-256, with a unique `kid`, its private member `d`, canonical 32-byte members, an `alg`/`use` (when present)
 * that agree with the key, and a public half that belongs to the private one (a mismatch would sign tokens that
 * no published key verifies).
 */
export function validateJwkSet(input: unknown): JwkSetResult {
  let parsed = input;
  if (typeof input === 'string') {
    try {
      parsed = JSON.parse(input);
    } catch {
      return { ok: false, problem: 'expected a JWK Set as JSON: {"keys":[...]}' };
    }
  }
  const keys = isObject(parsed) ? parsed.keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0) {
    return { ok: false, problem: 'expected a JWK Set with at least one key: {"keys":[...]}' };
  }
  const kids = new Set<string>();
  for (const [i, key] of keys.entries()) {
    const problem = keyProblem(key);
    if (problem) return { ok: false, problem: `key ${i}: ${problem}` };
    const { kid } = key as ValidJwk;
    if (kids.has(kid)) return { ok: false, problem: `key ${i}: two keys share the kid "${kid}"` };
    kids.add(kid);
  }
  return { ok: true, keys: keys as ValidJwk[] };
}

function keyProblem(key: unknown): string | undefined {
  if (!isObject(key)) return 'expected a JWK object';
  const alg = algFor(key);
  if (!alg) return `unsupported key type ${String(key.kty)}/${String(key.crv)} (${SUPPORTED})`;
  if (typeof key.kid !== 'string' || key.kid.length === 0) return 'every key needs a "kid"';
  if (key.d === undefined) return 'a private key is required (member "d"); this looks like a public key';
  if (key.alg !== undefined && key.alg !== alg)
    return `"alg" is ${String(key.alg)}, but the key is for ${alg}`;
  if (key.use !== undefined && key.use !== 'sig') return `"use" must be "sig", got ${String(key.use)}`;
  const members = alg === 'ES256' ? ['x', 'y', 'd'] : ['x', 'd'];
  for (const member of members) {
    const value = key[member];
    const bytes = typeof value === 'string' ? decodeCanonicalBase64url(value) : undefined;
    if (bytes?.length !== MEMBER_BYTES)
      return `"${member}" must be ${MEMBER_BYTES} bytes of unpadded base64url`;
  }
  let derived: JsonWebKey;
  try {
    const jwk = { kty: key.kty, crv: key.crv, x: key.x, y: key.y, d: key.d } as JsonWebKey;
    derived = createPublicKey(createPrivateKey({ key: jwk, format: 'jwk' })).export({ format: 'jwk' });
  } catch {
    return 'not a valid key for its curve';
  }
  if (derived.x !== key.x || derived.y !== key.y)
    return 'the public members do not belong to the private key "d"';
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
