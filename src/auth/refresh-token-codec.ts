import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** A recognisable prefix, so secret scanners can spot a leaked refresh token. */
export const REFRESH_TOKEN_PREFIX = 'ghr_';
const TOKEN_PATTERN = /^ghr_[A-Za-z0-9_-]{43}$/;

/** Mints refresh tokens (256 random bits), hashes them for storage, and derives a spent token's successor. */
export interface RefreshTokenCodec {
  mint(): string;
  hash(token: string): string;
  /** The successor of a token: the same for every replay, so a retried refresh gets the same answer. */
  successor(token: string): string;
  /** Cheap shape check before any database work. */
  looksValid(token: string): boolean;
}

/**
 * `secret` is a server secret (the first session secret); the successor key is derived from it with HKDF under its
 * own label, so the successor of a spent token can be recomputed by any instance while no live token is stored.
 */
export function createRefreshTokenCodec(secret: string): RefreshTokenCodec {
  const key = Buffer.from(hkdfSync('sha256', secret, 'gatehouse', 'refresh-token-successor v1', 32));
  return {
    mint: () => REFRESH_TOKEN_PREFIX + randomBytes(32).toString('base64url'),
    hash: (token) => createHash('sha256').update(token).digest('hex'),
    successor: (token) => REFRESH_TOKEN_PREFIX + createHmac('sha256', key).update(token).digest('base64url'),
    looksValid: (token) => TOKEN_PATTERN.test(token),
  };
}
