import { generateKeyPairSync } from 'node:crypto';
import { algFor, validateJwkSet } from '../../../src/settings/jwk-set.js';

function privateJwk(type: 'ed25519' | 'p256', kid: string): Record<string, unknown> {
  const pair =
    type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...pair.privateKey.export({ format: 'jwk' }), kid };
}

const problemOf = (input: unknown) => {
  const result = validateJwkSet(input);
  return result.ok ? undefined : result.problem;
};

describe('validateJwkSet', () => {
  const ed = privateJwk('ed25519', 'ed');
  const ec = privateJwk('p256', 'ec');

  it('accepts Ed25519 and P-256 private keys, as JSON text or parsed, and keeps their order', () => {
    const result = validateJwkSet(JSON.stringify({ keys: [ed, { ...ec, alg: 'ES256', use: 'sig' }] }));
    expect(result.ok && result.keys.map((k) => k.kid)).toEqual(['ed', 'ec']);
    expect(validateJwkSet({ keys: [ec] }).ok).toBe(true);
    expect([algFor(ed), algFor(ec), algFor({ kty: 'RSA' })]).toEqual(['EdDSA', 'ES256', undefined]);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['text that is not JSON', () => '{keys', /as JSON/],
    ['a set without keys', () => ({ keys: [] }), /at least one key/],
    ['a bare array', () => [ed], /at least one key/],
    ['a key that is not an object', () => ({ keys: ['ed'] }), /^key 0: expected a JWK object/],
    ['RSA', () => ({ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', d: 'y', kid: 'r' }] }), /^key 0: unsupported/],
    ['P-384', () => ({ keys: [{ ...ec, crv: 'P-384' }] }), /^key 0: unsupported key type EC\/P-384/],
    ['no kid', () => ({ keys: [{ ...ed, kid: '' }] }), /needs a "kid"/],
    ['a public key', () => ({ keys: [ed, { ...ec, d: undefined }] }), /^key 1: a private key is required/],
    ['a duplicate kid', () => ({ keys: [ed, { ...ec, kid: 'ed' }] }), /^key 1: two keys share the kid "ed"/],
    ['an alg for another key type', () => ({ keys: [{ ...ed, alg: 'ES256' }] }), /"alg" is ES256/],
    ['use "enc"', () => ({ keys: [{ ...ed, use: 'enc' }] }), /"use" must be "sig"/],
    ['a padded d', () => ({ keys: [{ ...ed, d: `${String(ed.d)}=` }] }), /"d" must be 32 bytes/],
    ['a short y', () => ({ keys: [{ ...ec, y: String(ec.y).slice(4) }] }), /"y" must be 32 bytes/],
    [
      'x from another key',
      () => ({ keys: [{ ...ed, x: privateJwk('ed25519', 'x').x }] }),
      /do not belong to the private key/,
    ],
    ['a point off the curve', () => ({ keys: [{ ...ec, y: ec.x }] }), /not a valid key|do not belong/],
  ])('refuses %s, saying why', (_what, make, problem) => {
    expect(problemOf(make())).toMatch(problem);
  });
});
