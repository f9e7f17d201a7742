import type { MikroORM } from '@mikro-orm/core';
import { Session } from './session.entity.js';

/** Which Session row a cookie belongs to, by the SHA-256 of its express-session id (never the id itself). */
export interface SessionCookieIndex {
  /** The cookie session a hash is bound to, or null. */
  idByCookieHash(cookieIdHash: string): Promise<string | null>;
  /** Binds a hash to a cookie session row, once: a row never changes cookie, a cookie never changes row. */
  bindCookie(sessionId: string, cookieIdHash: string): Promise<void>;
}

/** Reads and writes the index outside any request (express-session calls it from its store callbacks). */
export function createSessionCookieIndex(options: { readonly orm: MikroORM }): SessionCookieIndex {
  const { orm } = options;
  return {
    async idByCookieHash(cookieIdHash) {
      const row = await orm.em.fork().findOne(Session, { cookieIdHash }, { fields: ['id'] });
      return row?.id ?? null;
    },
    async bindCookie(sessionId, cookieIdHash) {
      await orm.em.fork().nativeUpdate(Session, { id: sessionId, cookieIdHash: null }, { cookieIdHash });
    },
  };
}
