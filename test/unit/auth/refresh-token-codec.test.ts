import { createRefreshTokenCodec, REFRESH_TOKEN_PREFIX } from '../../../src/auth/refresh-token-codec.js';

const codec = createRefreshTokenCodec('a-server-secret-of-enough-length-0123456789');

describe('the refresh-token codec', () => {
  it('mints recognisable tokens of 256 random bits', () => {
    const token = codec.mint();
    expect(token.startsWith(REFRESH_TOKEN_PREFIX)).toBe(true);
    expect(Buffer.from(token.slice(REFRESH_TOKEN_PREFIX.length), 'base64url')).toHaveLength(32);
    expect(codec.looksValid(token)).toBe(true);
    expect(codec.mint()).not.toBe(token);
  });

  it('stores a SHA-256 hex digest, never the token', () => {
    const token = codec.mint();
    const hash = codec.hash(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token.slice(REFRESH_TOKEN_PREFIX.length));
    expect(codec.hash(token)).toBe(hash);
  });

  it('derives the same successor for every replay, and a different one per secret', () => {
    const token = codec.mint();
    const successor = codec.successor(token);
    expect(codec.successor(token)).toBe(successor);
    expect(codec.looksValid(successor)).toBe(true);
    expect(successor).not.toBe(token);
    const other = createRefreshTokenCodec('another-server-secret-of-enough-length-xyz');
    expect(other.successor(token)).not.toBe(successor);
  });

  it.each([
    '',
    'ghr_',
    'ghr_short',
    `ghx_${'a'.repeat(43)}`,
    `ghr_${'a'.repeat(42)}!`,
    `ghr_${'a'.repeat(44)}`,
  ])('rejects the malformed token %j before any database work', (token) => {
    expect(codec.looksValid(token)).toBe(false);
  });
});
