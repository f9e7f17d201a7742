import { decodeCanonicalBase64url } from '../settings/base64url.js';

// RFC 7515 §7.1 and RFC 8725 §3.2/§3.4: a token has exactly one spelling. jose decodes base64url through atob,
// which skips spaces, accepts padding and ignores the unused bits of the last character, and reads JSON through
// a TextDecoder that drops a BOM, where a duplicated member silently takes the last value. Each of those lets one
// signed token travel in many forms (cache and replay bookkeeping keyed by the string miss them) and lets two
// parsers disagree about what was signed. So the form is checked before the signature: the one we issue, only.

/** The order n of the P-256 group, and n/2: ECDSA (r, s) and (r, n − s) both verify, so only s ≤ n/2 is valid. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_HALF_N = P256_N >> 1n;
/** ES256 (RFC 7518 §3.4) and Ed25519 (RFC 8032 §5.1.6) signatures are both 64 bytes. */
const SIGNATURE_BYTES = 64;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * True when the compact JWS is in the one form we issue: three non-empty canonical base64url segments; header and
 * payload exactly `JSON.stringify` of a JSON object (so no BOM, whitespace, escapes we would not write, or
 * duplicate members); an EdDSA or ES256 signature of 64 bytes, and for ES256 a low s. Ed25519 needs no such
 * check: Node's verifier (OpenSSL) already refuses S ≥ L, the only malleable part of an Ed25519 signature.
 */
export function isStrictCompactJws(token: string): boolean {
  const segments = token.split('.');
  if (segments.length !== 3) return false;
  const [header, payload, signature] = segments.map(decodeCanonicalBase64url);
  if (!header?.length || !payload?.length || !signature) return false;
  const protectedHeader = canonicalJsonObject(header);
  if (!protectedHeader || !canonicalJsonObject(payload)) return false;
  if (signature.length !== SIGNATURE_BYTES) return false;
  if (protectedHeader.alg === 'ES256') return isLowS(signature);
  return protectedHeader.alg === 'EdDSA';
}

/** Rewrites an ES256 JWS to its low-s twin (same r, s' = n − s), which verifies just the same. */
export function toLowS(jws: string): string {
  const [header, payload, encoded] = jws.split('.');
  const signature = Buffer.from(encoded!, 'base64url');
  if (isLowS(signature)) return jws;
  const s = P256_N - readS(signature);
  const lowS = Buffer.from(s.toString(16).padStart(64, '0'), 'hex');
  return `${header}.${payload}.${Buffer.concat([signature.subarray(0, 32), lowS]).toString('base64url')}`;
}

function isLowS(signature: Buffer): boolean {
  const s = readS(signature);
  return s >= 1n && s <= P256_HALF_N;
}

function readS(signature: Buffer): bigint {
  return BigInt(`0x${signature.subarray(32, 64).toString('hex')}`);
}

function canonicalJsonObject(bytes: Buffer): Record<string, unknown> | undefined {
  let text: string;
  let value: unknown;
  try {
    text = strictUtf8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  // A duplicated member, whitespace or a BOM make the text longer than what JSON.stringify writes back.
  return JSON.stringify(value) === text ? (value as Record<string, unknown>) : undefined;
}
