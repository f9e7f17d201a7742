import type { Request, Response } from 'express';
import { DEVICE_TOKEN_MAX_AGE_SEC } from './device-tokens.js';

/** The device token of a browser: an httpOnly cookie, so page scripts (and XSS) never see it. */
export interface DeviceCookie {
  readonly name: string;
  /** The token the browser sent, if any (unverified). */
  read(req: Request): string | undefined;
  write(res: Response, token: string): void;
}

/**
 * `__Host-` in production (Secure, path /, no Domain: no subdomain can set or shadow it), the session cookie's
 * SameSite, and a long life: a device stays known between sessions, which is the point.
 */
export function createDeviceCookie(options: {
  production: boolean;
  sameSite: 'lax' | 'strict' | 'none';
}): DeviceCookie {
  const name = options.production ? '__Host-gh_device' : 'gh_device';
  const prefix = `${name}=`;
  return {
    name,
    read(req) {
      for (const part of req.headers.cookie?.split(';') ?? []) {
        const pair = part.trim();
        if (pair.startsWith(prefix)) return pair.slice(prefix.length);
      }
      return undefined;
    },
    write(res, token) {
      res.cookie(name, token, {
        httpOnly: true,
        secure: options.production,
        sameSite: options.sameSite,
        path: '/',
        maxAge: DEVICE_TOKEN_MAX_AGE_SEC * 1000,
      });
    },
  };
}
