import { z } from 'zod';

/** The WebAuthn relying party: whose passkeys these are, and the pages allowed to use them. */
export interface WebAuthnSettings {
  /** The RP ID: a host name that every allowed origin is on (equal, or a subdomain of it). */
  readonly rpId: string;
  /** Exact origins whose `clientDataJSON.origin` is accepted. */
  readonly origins: readonly string[];
}

/** A bare, lower-case host name: no scheme, port, path or trailing dot (what `navigator.credentials` compares). */
export const rpIdField = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
    'expected a lower-case host name such as example.com (no scheme, port or path)',
  );

/** Is `origin`'s host the RP ID or one of its subdomains? (A browser refuses any other pairing.) */
export function onRelyingParty(origin: string, rpId: string): boolean {
  const host = new URL(origin).hostname;
  return host === rpId || host.endsWith(`.${rpId}`);
}

/**
 * Derives the relying party from the parsed settings, or returns what is wrong (config.ts names the variable).
 * The RP ID is PUBLIC_URL's host unless WEBAUTHN_RP_ID says otherwise. The origins are WEBAUTHN_ORIGINS when set;
 * otherwise PUBLIC_URL's origin plus those CORS_ORIGINS on the RP's domain: the SPA that calls the API with
 * credentials is where passkeys are used, and an origin elsewhere (Apollo Studio) could never present them anyway.
 */
export function webAuthnSettings(input: {
  readonly publicUrl: string;
  readonly production: boolean;
  readonly rpId: string | undefined;
  readonly origins: readonly string[] | undefined;
  readonly corsOrigins: readonly string[] | undefined;
}): { ok: true; value: WebAuthnSettings } | { ok: false; variable: string; message: string } {
  const rpId = input.rpId ?? new URL(input.publicUrl).hostname;
  if (input.origins !== undefined) {
    if (input.origins.length === 0) {
      return { ok: false, variable: 'WEBAUTHN_ORIGINS', message: 'expected at least one origin' };
    }
    const foreign = input.origins.find((o) => !onRelyingParty(o, rpId));
    if (foreign !== undefined) {
      return {
        ok: false,
        variable: 'WEBAUTHN_ORIGINS',
        message: `"${foreign}" is not on the relying party "${rpId}" (its host must be ${rpId} or a subdomain)`,
      };
    }
    // Passkeys are phishing-resistant only if the origin the browser reports cannot be spoofed on the network.
    const plain = input.production ? input.origins.find((o) => !o.startsWith('https://')) : undefined;
    if (plain !== undefined) {
      return {
        ok: false,
        variable: 'WEBAUTHN_ORIGINS',
        message: `must be https in production, got "${plain}"`,
      };
    }
    return { ok: true, value: { rpId, origins: [...input.origins] } };
  }
  const publicOrigin = new URL(input.publicUrl).origin;
  if (!onRelyingParty(publicOrigin, rpId)) {
    return {
      ok: false,
      variable: 'WEBAUTHN_RP_ID',
      message: `"${rpId}" is not PUBLIC_URL's host or a parent of it; set WEBAUTHN_ORIGINS to the pages that use passkeys`,
    };
  }
  const cors = (input.corsOrigins ?? []).filter((o) => o !== publicOrigin && onRelyingParty(o, rpId));
  return { ok: true, value: { rpId, origins: [publicOrigin, ...cors] } };
}
