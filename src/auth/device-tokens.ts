import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import { normalizeEmail } from '../users/email.js';
import { decodeCanonicalBase64url } from '../settings/base64url.js';

/** A recognisable prefix, so secret scanners can spot a leaked device token. */
export const DEVICE_TOKEN_PREFIX = 'ghd_';
/** How long a device stays known after its last successful login (each login issues a fresh token). */
export const DEVICE_TOKEN_MAX_AGE_SEC = 365 * 86_400;
// ghd_<account binding>.<nonce>.<issued at, epoch seconds>.<HMAC-SHA256>, each part base64url / decimal.
const TOKEN_PATTERN = /^ghd_([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;
/** Tolerance for an issue time slightly ahead of this instance's clock (another instance issued it). */
const CLOCK_TOLERANCE_SEC = 30;

/**
 * OWASP's "device cookies" (Slow Down Online Guessing Attacks with Device Cookies): proof that this client has
 * logged in to this account before. It authenticates nothing; it only decides which login counters apply.
 */
export interface DeviceTokens {
  /** A new token for a client that has just proved the password of `email`. */
  issue(email: string): string;
  /**
   * The device's id (its nonce, for its own failure counter) when `token` is ours, unexpired and bound to `email`;
   * otherwise null, and the client is treated as unknown.
   */
  verify(token: string | null | undefined, email: string): string | null;
}

/**
 * `secrets` are the session secrets: the first signs, all verify (rotation keeps known devices known). Each key
 * is derived with HKDF under its own label, so a device token can never pass for a cookie signature or a
 * refresh-token successor.
 */
export function createDeviceTokens(options: { secrets: readonly string[]; clock: Clock }): DeviceTokens {
  const keys = options.secrets.map((secret) =>
    Buffer.from(hkdfSync('sha256', secret, 'gatehouse', 'device-token v1', 32)),
  );
  const signingKey = keys[0]!;
  const mac = (key: Buffer, body: string) => createHmac('sha256', key).update(body).digest();
  // The account is bound by a keyed hash of its normalised email: no database read before the limits apply, no
  // email readable in the cookie, and an unknown email is handled exactly like a known one.
  const binding = (key: Buffer, email: string) =>
    mac(key, `account:${normalizeEmail(email)}`).subarray(0, 16);
  const nowSec = () => Math.floor(options.clock.now().getTime() / 1000);

  return {
    issue(email) {
      const body = [
        binding(signingKey, email).toString('base64url'),
        randomBytes(16).toString('base64url'),
        String(nowSec()),
      ].join('.');
      return `${DEVICE_TOKEN_PREFIX}${body}.${mac(signingKey, body).toString('base64url')}`;
    },
    verify(token, email) {
      const parts = token ? TOKEN_PATTERN.exec(token) : null;
      if (!parts) return null;
      const [, bound, nonce, issuedAt, signature] = parts as unknown as [
        string,
        string,
        string,
        string,
        string,
      ];
      const body = `${bound}.${nonce}.${issuedAt}`;
      // One spelling only: Node's decoder ignores the unused bits of the last character, so without this a
      // token with its last character changed would still carry a valid signature.
      const given = decodeCanonicalBase64url(signature);
      if (given?.length !== 32) return null;
      const key = keys.find((k) => timingSafeEqual(mac(k, body), given));
      if (!key || !timingSafeEqual(Buffer.from(bound, 'base64url'), binding(key, email))) return null;
      const age = nowSec() - Number(issuedAt);
      if (age < -CLOCK_TOLERANCE_SEC || age > DEVICE_TOKEN_MAX_AGE_SEC) return null;
      return nonce;
    },
  };
}
