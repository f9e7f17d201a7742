import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';
import { algFor, validateJwkSet, type JsonWebKeyLike, type SigningAlg } from '../settings/jwk-set.js';

export type { SigningAlg } from '../settings/jwk-set.js';

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

/** Imports a JWK Set of private keys; throws on a set {@link validateJwkSet} refuses. */
export async function loadKeySet(privateJwks: readonly JsonWebKeyLike[]): Promise<KeySet> {
  const result = validateJwkSet({ keys: privateJwks });
  if (!result.ok) throw new Error(`invalid JWK Set: ${result.problem}`);
  const verifiers = new Map<string, VerifyKey>();
  const publicJwks: JWK[] = [];
  let active: KeySet['active'] | undefined;
  for (const jwk of result.keys) {
    const alg = algFor(jwk)!;
    const { kid } = jwk;
    // key_ops / ext describe how the key was exported, not how we use it; WebCrypto would refuse a mismatch.
    const { d: _d, key_ops: _ops, ext: _ext, ...publicJwk } = jwk as JWK;
    const publicKey = (await importJWK({ ...publicJwk, alg }, alg)) as CryptoKey;
    verifiers.set(kid, { alg, key: publicKey });
    publicJwks.push(publicMembers({ ...publicJwk, kid, alg }));
    if (!active)
      active = { kid, alg, key: (await importJWK({ ...publicJwk, d: jwk.d, alg }, alg)) as CryptoKey };
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
