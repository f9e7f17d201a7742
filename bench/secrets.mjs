// @ts-check
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

/**
 * Production settings the server refuses to start without, made in memory for one run and never written to
 * disk: a JWK Set with one Ed25519 signing key, one 256-bit session secret and one 256-bit key that encrypts TOTP
 * secrets (FACTOR_ENCRYPTION_KEY, hex).
 *
 * @returns {Promise<{ JWT_KEYS: string, SESSION_SECRETS: string, FACTOR_ENCRYPTION_KEY: string }>}
 */
export async function generateServerSecrets() {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return {
    JWT_KEYS: JSON.stringify({ keys: [{ ...jwk, kid, alg: 'EdDSA', use: 'sig' }] }),
    SESSION_SECRETS: randomBytes(32).toString('base64url'),
    FACTOR_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  };
}
