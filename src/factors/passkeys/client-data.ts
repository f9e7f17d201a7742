import { decodeCanonicalBase64url } from '../../settings/base64url.js';

/** The two members of `clientDataJSON` read before the library verifies the rest: which challenge, which page. */
export interface ClientData {
  readonly challenge: string;
  readonly origin: string;
}

/**
 * Reads a WebAuthn response's `response.clientDataJSON` (base64url JSON, W3C WebAuthn §5.8.1) far enough to find
 * its challenge and origin; null for anything malformed. The library checks the same fields again, with the rest.
 */
export function readClientData(response: unknown): ClientData | null {
  const encoded = (response as { response?: { clientDataJSON?: unknown } } | null)?.response?.clientDataJSON;
  if (typeof encoded !== 'string') return null;
  const bytes = decodeCanonicalBase64url(encoded);
  if (!bytes) return null;
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { challenge?: unknown; origin?: unknown };
    if (typeof parsed.challenge !== 'string' || typeof parsed.origin !== 'string') return null;
    return { challenge: parsed.challenge, origin: parsed.origin };
  } catch {
    return null;
  }
}
