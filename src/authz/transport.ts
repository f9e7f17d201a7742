import { registerEnumType } from 'type-graphql';

/** How a session authenticates its requests. */
export enum Transport {
  COOKIE = 'COOKIE',
  BEARER = 'BEARER',
}

registerEnumType(Transport, {
  name: 'Transport',
  description: 'COOKIE: an httpOnly session cookie (browsers). BEARER: an access token plus a refresh token.',
});
