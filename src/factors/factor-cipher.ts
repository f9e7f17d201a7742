import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts second-factor secrets at rest (AES-256-GCM, NIST SP 800-38D): a database dump alone does not give
 * anyone a user's TOTP generator. The envelope names its key, so a key list can rotate: the first key encrypts,
 * every key decrypts, and a secret read with an older key is reported `stale` for re-encryption.
 */
export interface FactorCipher {
  /** `context` (e.g. the user id) is authenticated, not stored: a ciphertext copied to another row fails. */
  encrypt(plaintext: string, context: string): string;
  /** The plaintext, or null for an envelope no key in the list opens (or one that was tampered with). */
  decrypt(envelope: string, context: string): { readonly plaintext: string; readonly stale: boolean } | null;
}

const VERSION = 'v1';

/** `keys`: 32 bytes each, the first encrypts. */
export function createFactorCipher(keys: readonly Buffer[]): FactorCipher {
  if (keys.length === 0 || keys.some((k) => k.length !== 32)) {
    throw new Error('factor encryption needs at least one 32-byte key');
  }
  // The key id is a hash prefix: it says which key to try without revealing anything usable about it.
  const ids = keys.map((k) =>
    createHash('sha256').update('gatehouse factor key').update(k).digest('base64url').slice(0, 11),
  );
  const aad = (context: string) => Buffer.from(`gatehouse factor secret:${context}`, 'utf8');

  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys[0]!, iv);
      cipher.setAAD(aad(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url'));
      return [VERSION, ids[0]!, ...parts].join('.');
    },
    decrypt(envelope, context) {
      const [version, id, iv, body, tag, ...rest] = envelope.split('.');
      if (version !== VERSION || rest.length > 0 || !iv || body === undefined || !tag) return null;
      const index = ids.indexOf(id ?? '');
      if (index < 0) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', keys[index]!, Buffer.from(iv, 'base64url'));
        decipher.setAAD(aad(context));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const plaintext = Buffer.concat([
          decipher.update(Buffer.from(body, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
        return { plaintext, stale: index > 0 };
      } catch {
        return null;
      }
    },
  };
}
