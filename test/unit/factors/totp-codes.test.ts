import { Secret, TOTP } from 'otpauth';
import { matchTotpStep, newTotpSecret, totpUrl } from '../../../src/factors/totp/totp-codes.js';

// RFC 6238 Appendix B: the SHA-1 secret "12345678901234567890", 8 digits there; 6 digits are its last 6.
const RFC_SECRET = new Secret({ buffer: new TextEncoder().encode('12345678901234567890').buffer }).base32;

describe('TOTP codes', () => {
  it('matches the RFC 6238 test vectors (SHA-1, last 6 digits)', () => {
    expect(matchTotpStep(RFC_SECRET, '287082', new Date(59_000))).toBe(1); // 94287082
    expect(matchTotpStep(RFC_SECRET, '081804', new Date(1111111109_000))).toBe(37037036); // 07081804
  });

  it('accepts ±1 step around now and answers the step the code belongs to; refuses ±2', () => {
    const secret = newTotpSecret();
    const now = new Date(1_900_000_015_000);
    const step = Math.floor(now.getTime() / 30_000);
    const code = (offset: number) =>
      new TOTP({ secret: Secret.fromBase32(secret) }).generate({
        timestamp: now.getTime() + offset * 30_000,
      });
    expect(matchTotpStep(secret, code(0), now)).toBe(step);
    expect(matchTotpStep(secret, code(-1), now)).toBe(step - 1);
    expect(matchTotpStep(secret, code(1), now)).toBe(step + 1);
    expect(matchTotpStep(secret, code(-2), now)).toBeNull();
    expect(matchTotpStep(secret, code(2), now)).toBeNull();
  });

  it('refuses what is not six digits', () => {
    const secret = newTotpSecret();
    for (const bad of ['', '12345', '1234567', 'abcdef', '12 34 5']) {
      expect(matchTotpStep(secret, bad, new Date())).toBeNull();
    }
  });

  it('makes 160-bit secrets and otpauth URLs with issuer and label', () => {
    const secret = newTotpSecret();
    expect(Secret.fromBase32(secret).bytes).toHaveLength(20);
    const url = new URL(totpUrl(secret, { issuer: 'Gatehouse', label: 'a@example.com' }));
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('algorithm')).toBe('SHA1');
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
  });
});
