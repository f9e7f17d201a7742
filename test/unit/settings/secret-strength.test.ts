import { randomBytes } from 'node:crypto';
import { secretWeakness } from '../../../src/settings/secret-strength.js';

describe('secretWeakness', () => {
  it.each([
    ['openssl rand -base64 48', () => randomBytes(48).toString('base64')],
    ['openssl rand -hex 32', () => randomBytes(32).toString('hex')],
    ['32 random bytes as base64url', () => randomBytes(32).toString('base64url')],
  ])('accepts what %s prints, every time', (_what, generate) => {
    for (let i = 0; i < 2000; i++) expect(secretWeakness(generate())).toBeUndefined();
  });

  it.each([
    ['a'.repeat(31), /shorter than 32 bytes/],
    ['é'.repeat(15), /shorter than 32 bytes/], // 30 bytes
    ['x'.repeat(64), /a repeated pattern/],
    ['0123456789abcdef'.repeat(4), /a repeated pattern/],
    ['abcdefghijkkjihgfedcbaabcdefghijk', /fewer than 12 distinct characters/],
    [`${'a'.repeat(40)}bcdefghijklm`, /an estimated \d+ bits of entropy, under 128/],
    // `openssl rand -hex 16`: 128 random bits spelled in 32 hex digits (fixed: a random one may show < 12 digits).
    ['f65bde8819e544b769ac47e3e7a633fa', /an estimated \d+ bits of entropy/],
  ])('refuses %j', (secret, why) => {
    expect(secretWeakness(secret)).toMatch(why);
  });
});
