import type { GraphQLContext } from '../graphql/context.js';
import { Transport } from '../authz/transport.js';

/**
 * The device id of a client that proves it logged in to `email`'s account before (the `deviceToken` argument of
 * a bearer client, else a browser's device cookie), or null for an unknown client.
 */
export function knownDevice(ctx: GraphQLContext, email: string, argument?: string | null): string | null {
  const { deviceTokens, deviceCookie } = ctx.services;
  return deviceTokens.verify(argument ?? deviceCookie.read(ctx.req), email);
}

/**
 * Makes the client a known device of `email`'s account after a successful login: a browser gets the cookie, a
 * bearer client the token to keep and send back (returned here; null for a browser, whose scripts never see it).
 */
export function rememberDevice(ctx: GraphQLContext, email: string, transport: Transport): string | null {
  const token = ctx.services.deviceTokens.issue(email);
  if (transport === Transport.BEARER) return token;
  ctx.services.deviceCookie.write(ctx.res, token);
  return null;
}
