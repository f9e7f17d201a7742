import { randomBytes } from 'node:crypto';
import { createFactorCipher } from '../../../src/factors/factor-cipher.js';

const key = () => randomBytes(32);

describe('createFactorCipher (AES-256-GCM, key list)', () => {
  it('round-trips, with a fresh IV each time and nothing of the plaintext in the envelope', () => {
    const cipher = createFactorCipher([key()]);
    const a = cipher.encrypt('JBSWY3DPEHPK3PXP', 'user-1');
    const b = cipher.encrypt('JBSWY3DPEHPK3PXP', 'user-1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(cipher.decrypt(a, 'user-1')).toEqual({ plaintext: 'JBSWY3DPEHPK3PXP', stale: false });
  });

  it('binds the ciphertext to its context: copied to another user, it opens nothing', () => {
    const cipher = createFactorCipher([key()]);
    expect(cipher.decrypt(cipher.encrypt('secret', 'user-1'), 'user-2')).toBeNull();
  });

  it('decrypts with any key of the list and reports an older key as stale; an unknown key opens nothing', () => {
    const [older, newer] = [key(), key()];
    const before = createFactorCipher([older]).encrypt('secret', 'u');
    const rotated = createFactorCipher([newer, older]);
    expect(rotated.decrypt(before, 'u')).toEqual({ plaintext: 'secret', stale: true });
    expect(rotated.decrypt(rotated.encrypt('secret', 'u'), 'u')).toEqual({
      plaintext: 'secret',
      stale: false,
    });
    expect(createFactorCipher([newer]).decrypt(before, 'u')).toBeNull();
  });

  it('refuses a tampered envelope and garbage', () => {
    const cipher = createFactorCipher([key()]);
    const envelope = cipher.encrypt('secret', 'u');
    const parts = envelope.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    expect(cipher.decrypt(parts.join('.'), 'u')).toBeNull();
    expect(cipher.decrypt('v1.nope', 'u')).toBeNull();
    expect(cipher.decrypt('', 'u')).toBeNull();
  });

  it('needs 32-byte keys', () => {
    expect(() => createFactorCipher([])).toThrow();
    expect(() => createFactorCipher([randomBytes(16)])).toThrow();
  });
});
