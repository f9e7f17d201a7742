import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { WebAuthnSettings } from '../../settings/webauthn.js';

/** What every passkey ceremony needs: the relying party, the time, and a place to warn about a cloned key. */
export interface PasskeyDeps {
  readonly webauthn: WebAuthnSettings;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The name authenticators show beside the account. */
export const RP_NAME = 'Gatehouse';

/** A ceremony's challenge lives this long; the browser is told to give up a minute before (options' timeout). */
export const CHALLENGE_TTL_SEC = 300;
export const CEREMONY_TIMEOUT_MS = (CHALLENGE_TTL_SEC - 60) * 1000;

/**
 * COSE algorithms accepted for a new passkey: EdDSA (-8), ES256 (-7), RS256 (-257). ES256 is what platform
 * authenticators use; RS256 is Windows Hello's; EdDSA some security keys'.
 */
export const SUPPORTED_ALGORITHMS = [-8, -7, -257];

/**
 * The WebAuthn user handle of a user: the 16 bytes of their UUID. Opaque (no email or name), stable, and unique,
 * which is all the specification asks; a discoverable sign-in hands it back to name the account.
 */
export function userHandleOf(userId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(userId.replace(/-/g, ''), 'hex'));
}

/** The same handle as it appears, base64url, in an assertion's `response.userHandle`. */
export function encodedUserHandleOf(userId: string): string {
  return Buffer.from(userHandleOf(userId)).toString('base64url');
}

/** Is the page that ran the ceremony (`clientDataJSON.origin`) one of ours? */
export function originAllowed(deps: Pick<PasskeyDeps, 'webauthn'>, origin: unknown): origin is string {
  return typeof origin === 'string' && deps.webauthn.origins.includes(origin);
}
