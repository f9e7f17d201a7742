/** How long a passkey's name may be, in characters: enough for "Work laptop (Touch ID)". */
export const MAX_NAME_LENGTH = 64;

export type NameCheck =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly reason: 'INVALID_NAME'; readonly message: string };

/** A passkey's display name, trimmed; refused when empty, too long, or holding control characters. */
export function passkeyName(raw: string): NameCheck {
  const value = raw.trim();
  if (value.length === 0 || value.length > MAX_NAME_LENGTH) {
    return { ok: false, reason: 'INVALID_NAME', message: `A name has 1 to ${MAX_NAME_LENGTH} characters` };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    return { ok: false, reason: 'INVALID_NAME', message: 'A name cannot hold control characters' };
  }
  return { ok: true, value };
}
