import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';
import type { JsonWebKeyLike } from '../config.js';

export type SigningAlg = 'EdDSA' | 'ES256';

interface VerifyKey {
  readonly alg: SigningAlg;
  readonly key: CryptoKey;
}

/** The signing keys: the first signs, every key verifies; `jwks` is the public half to publish. */
export interface KeySet {
  readonly active: { readonly kid: string; readonly alg: SigningAlg; readonly key: CryptoKey };
  /** By `kid`. A token whose `kid` is not here is rejected: there is no fallback key. */
  readonly verifiers: ReadonlyMap<string, VerifyKey>;
  readonly jwks: { readonly keys: readonly JWK[] };
}

/** The algorithm a key is used with, decided by its type and curve (never by a token header). */
export function algFor(jwk: JsonWebKeyLike): SigningAlg {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  throw new Error(`unsupported key type ${jwk.kty}/${String(jwk.crv)} (use OKP/Ed25519 or EC/P-256)`);
}

/** Imports a JWK Set of private keys. */
export async function loadKeySet(privateJwks: readonly JsonWebKeyLike[]): Promise<KeySet> {
  if (privateJwks.length === 0) throw new Error('the key set is empty');
  const verifiers = new Map<string, VerifyKey>();
  const publicJwks: JWK[] = [];
  let active: KeySet['active'] | undefined;
  for (const jwk of privateJwks) {
    const alg = algFor(jwk);
    const kid = jwk.kid;
    if (!kid) throw new Error('every key needs a kid');
    const { d: _d, key_ops: _ops, ext: _ext, ...publicJwk } = jwk as JWK;
    const publicKey = (await importJWK({ ...publicJwk, alg }, alg)) as CryptoKey;
    verifiers.set(kid, { alg, key: publicKey });
    publicJwks.push(publicMembers({ ...publicJwk, kid, alg }));
    if (!active) active = { kid, alg, key: (await importJWK({ ...jwk, alg } as JWK, alg)) as CryptoKey };
  }
  return { active: active!, verifiers, jwks: { keys: publicJwks } };
}

/** Only what a verifier needs: `kty crv x [y] kid alg use`. */
function publicMembers(jwk: JWK): JWK {
  const out: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  if (jwk.y !== undefined) out.y = jwk.y;
  return { ...out, kid: jwk.kid, alg: jwk.alg, use: 'sig' };
}

/** Generates a private signing JWK (Ed25519 by default) with its RFC 7638 thumbprint as `kid`. */
export async function generateSigningJwk(alg: SigningAlg = 'EdDSA'): Promise<JsonWebKeyLike> {
  const { privateKey } = await generateKeyPair(
    alg,
    alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true },
  );
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg, use: 'sig' } as JsonWebKeyLike;
}
