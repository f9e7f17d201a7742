import { hashRecoveryCode, newRecoveryCode } from '../../../src/factors/recovery-codes/recovery-codes.js';

describe('recovery codes', () => {
  it('are 16 symbols of an unambiguous 32-letter alphabet (80 bits), grouped by four', () => {
    const codes = Array.from({ length: 200 }, newRecoveryCode);
    for (const code of codes) expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/);
    expect(new Set(codes).size).toBe(200);
  });

  it('hash the same whatever the case, dashes or spaces; per user', () => {
    const code = newRecoveryCode();
    const hash = hashRecoveryCode('user-1', code);
    expect(hashRecoveryCode('user-1', code.toLowerCase().replace(/-/g, ' '))).toBe(hash);
    expect(hashRecoveryCode('user-2', code)).not.toBe(hash);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
