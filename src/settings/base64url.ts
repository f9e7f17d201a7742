const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes base64url (RFC 4648 §5) only in its canonical form: no padding, no whitespace, no other alphabet, and
 * the unused bits of the last character zero. Every other spelling of the same bytes is refused (undefined), so
 * a token or key has exactly one text form. Node's and atob's decoders accept all of those spellings.
 */
export function decodeCanonicalBase64url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  // Re-encoding catches a length of 4k+1 and non-zero trailing bits: both decode, neither re-encodes the same.
  return bytes.toString('base64url') === text ? bytes : undefined;
}
