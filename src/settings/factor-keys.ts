import { z } from 'zod';
import { decodeCanonicalBase64url } from './base64url.js';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/** One 32-byte key, written as 64 hex characters or as 43 base64url characters; undefined for any other text. */
export function decodeFactorKey(text: string): Buffer | undefined {
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  const bytes = text.length === 43 ? decodeCanonicalBase64url(text) : undefined;
  return bytes?.length === 32 ? bytes : undefined;
}

/**
 * FACTOR_ENCRYPTION_KEY: a comma-separated list of AES-256 keys; the first encrypts, every one decrypts (rotation:
 * put the new key first, keep the old ones until every secret has been re-encrypted). Kept as text in the config
 * (a frozen Config cannot hold Buffers); the cipher decodes them.
 */
export const factorKeys = z.string().transform((value, ctx) => {
  const keys = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (keys.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'expected at least one key' });
    return z.NEVER;
  }
  const bad = keys.findIndex((k) => decodeFactorKey(k) === undefined);
  if (bad >= 0) {
    // Never echo the value: it is a secret.
    ctx.addIssue({
      code: 'custom',
      message: `entry ${bad + 1} is not 32 bytes as 64 hex or 43 base64url characters; generate one with \`openssl rand -hex 32\``,
    });
    return z.NEVER;
  }
  if (new Set(keys.map((k) => decodeFactorKey(k)!.toString('hex'))).size !== keys.length) {
    ctx.addIssue({ code: 'custom', message: 'the same key is listed twice' });
    return z.NEVER;
  }
  return keys;
});
