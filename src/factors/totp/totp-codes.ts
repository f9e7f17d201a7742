import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app does it by default: SHA-1, 6 digits, 30-second steps. */
const PARAMS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** ±1 step: a code typed just before or after its 30 seconds, or a phone clock a little off (RFC 6238 §5.2). */
const WINDOW = 1;

/** A new random secret (160 bits, RFC 4226 §4), in base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/…` URL an authenticator app scans (usually as a QR code). */
export function totpUrl(secret: string, input: { issuer: string; label: string }): string {
  return new TOTP({ ...PARAMS, ...input, secret: Secret.fromBase32(secret) }).toString();
}

/** The time step a code belongs to, if it is right for a step within the window around `now`; else null. */
export function matchTotpStep(secret: string, code: string, now: Date): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const totp = new TOTP({ ...PARAMS, secret: Secret.fromBase32(secret) });
  const timestamp = now.getTime();
  const delta = totp.validate({ token, timestamp, window: WINDOW });
  return delta === null ? null : totp.counter({ timestamp }) + delta;
}
