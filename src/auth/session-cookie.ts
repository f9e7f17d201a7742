import type { CookieOptions, Response } from 'express';
import { sign, unsign } from 'cookie-signature';

export interface SessionCookieCodec {
  readonly name: string;
  /** The cookie is `Secure`: a browser keeps it only over HTTPS, and express-session will not set it otherwise. */
  readonly secure: boolean;
  /** The raw (still signed) value of the session cookie in a Cookie header, if there is one. */
  find(cookieHeader: string | undefined): string | undefined;
  /** The session id inside a raw value, or null when no secret of ours signed it (forged, mangled, retired). */
  verify(raw: string): string | null;
  /** Sets the cookie for `sid` (signed with the first secret), with a fresh expiry. */
  write(res: Response, sid: string): void;
  clear(res: Response): void;
}

/**
 * Reads and writes the session cookie in express-session's format (`s:<sid>.<HMAC-SHA256>`), so the hot path of
 * a cookie request needs neither express-session's per-request session object nor a Set-Cookie on every answer:
 * express-session is used where it is needed, to start a session (see cookie-transport.ts).
 */
export function createSessionCookieCodec(
  name: string,
  secrets: readonly string[],
  options: CookieOptions & { maxAge: number },
): SessionCookieCodec {
  const prefix = `${name}=`;
  const { maxAge: _maxAge, expires: _expires, ...attributes } = options;
  return {
    name,
    secure: options.secure === true,
    find(header) {
      if (!header) return undefined;
      for (const part of header.split(';')) {
        const pair = part.trim();
        if (pair.startsWith(prefix)) return pair.slice(prefix.length);
      }
      return undefined;
    },
    verify(raw) {
      let value: string;
      try {
        value = decodeURIComponent(raw);
      } catch {
        return null;
      }
      if (!value.startsWith('s:')) return null;
      for (const secret of secrets) {
        const sid = unsign(value.slice(2), secret);
        if (sid !== false) return sid;
      }
      return null;
    },
    write(res, sid) {
      res.cookie(name, `s:${sign(sid, secrets[0]!)}`, options);
    },
    clear(res) {
      res.clearCookie(name, attributes);
    },
  };
}
