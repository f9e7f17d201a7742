import { randomBytes } from 'node:crypto';
import { generateSigningJwk } from '../../src/auth/key-set.js';
import type { JsonWebKeyLike } from '../../src/config.js';

let keys: Promise<JsonWebKeyLike[]> | undefined;

/** One signing key set per test process (generated, never committed). */
export function testKeys(): Promise<JsonWebKeyLike[]> {
  keys ??= generateSigningJwk('EdDSA').then((k) => [k]);
  return keys;
}

export const testSessionSecret = randomBytes(32).toString('base64url');

/** One FACTOR_ENCRYPTION_KEY per test process, shared by every instance a test starts (generated, never committed). */
export const testFactorKey = randomBytes(32).toString('hex');
