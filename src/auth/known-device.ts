import type { Request, Response } from 'express';
import { Transport } from '../authz/transport.js';
import type { DeviceCookie } from './device-cookie.js';

/**
 * The device token a client presents, unverified: a bearer client's `deviceToken` argument, else a browser's
 * device cookie. The flow verifies it against the account it is about.
 */
export function presentedDevice(
  cookie: Pick<DeviceCookie, 'read'>,
  req: Request,
  argument?: string | null,
): string | null {
  return argument ?? cookie.read(req) ?? null;
}

/**
 * Makes the client a known device of the account it has just logged in to: a browser gets the token as a cookie
 * (null returned: its scripts never see it), a bearer client gets it to keep and send back.
 */
export function handDevice(
  cookie: Pick<DeviceCookie, 'write'>,
  res: Response,
  token: string,
  transport: Transport,
): string | null {
  if (transport === Transport.BEARER) return token;
  cookie.write(res, token);
  return null;
}
