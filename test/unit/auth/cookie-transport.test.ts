import type { Request, Response } from 'express';
import { sign } from 'cookie-signature';
import { hashCookieId, type CookieStoreSessions } from '../../../src/auth/cookie-store.js';
import { createCookieTransport, sessionCookieSettings } from '../../../src/auth/cookie-transport.js';

const SECRET = 'a session secret of at least thirty-two bytes';
const RETIRED = 'a retired session secret, also thirty-two bytes';
const SESSION_ID = '11111111-1111-4111-8111-111111111111';

/** The sessions module as the transport sees it: a cookie index (counting lookups), nothing else used. */
function fakeSessions() {
  const index = new Map<string, string>();
  let lookups = 0;
  const sessions = {
    async idByCookieHash(hash: string) {
      lookups++;
      return index.get(hash) ?? null;
    },
  } as unknown as CookieStoreSessions;
  return {
    sessions,
    lookups: () => lookups,
    bind: (sid: string) => index.set(hashCookieId(sid), SESSION_ID),
  };
}

function transport(options: { production?: boolean } = {}) {
  const fake = fakeSessions();
  const cookies = createCookieTransport({
    production: options.production ?? false,
    sameSite: 'lax',
    idleTtlSec: 3600,
    secrets: [SECRET, RETIRED],
    sessions: fake.sessions,
  });
  return { cookies, ...fake };
}

/** A Cookie header carrying express-session's signed format for `sid`. */
const header = (sid: string, secret = SECRET, name = 'sid') =>
  `theme=dark; ${name}=${encodeURIComponent(`s:${sign(sid, secret)}`)}`;

describe('the cookie transport turns a Cookie header into a session id', () => {
  it('verifies a cookie once, then serves its session from the verified-cookie cache', async () => {
    const { cookies, bind, lookups } = transport();
    bind('abc');
    for (let i = 0; i < 3; i++) {
      expect(await cookies.identify(header('abc'))).toMatchObject({ sid: 'abc', sessionId: SESSION_ID });
    }
    expect(lookups()).toBe(1);
  });

  it('refuses a forged cookie without asking the database', async () => {
    const { cookies, bind, lookups } = transport();
    bind('abc');
    expect(await cookies.identify(header('abc', 'not our secret at all, thirty-two+'))).toBeNull();
    expect(await cookies.identify('sid=s%3Aabc.forged')).toBeNull();
    expect(lookups()).toBe(0);
  });

  it('accepts a cookie signed with a retired secret (rotation logs nobody out)', async () => {
    const { cookies, bind } = transport();
    bind('abc');
    expect(await cookies.identify(header('abc', RETIRED))).toMatchObject({ sessionId: SESSION_ID });
  });

  it('refuses a well-signed cookie bound to no session, without remembering the refusal', async () => {
    const { cookies, bind, lookups } = transport();
    expect(await cookies.identify(header('abc'))).toBeNull();
    bind('abc'); // refusals are not cached: forged values would crowd real cookies out
    expect(await cookies.identify(header('abc'))).toMatchObject({ sessionId: SESSION_ID });
    expect(lookups()).toBe(2);
  });

  it('verifies a forgotten cookie (its session died) again when it comes back', async () => {
    const { cookies, bind, lookups } = transport();
    bind('abc');
    const credential = await cookies.identify(header('abc'));
    cookies.forget(credential!);
    await cookies.identify(header('abc'));
    expect(lookups()).toBe(2);
  });

  it('answers undefined (nothing to clear) when the header has no session cookie of its name', async () => {
    const { cookies, bind } = transport({ production: true });
    bind('abc');
    expect(await cookies.identify(undefined)).toBeUndefined();
    expect(await cookies.identify('theme=dark')).toBeUndefined();
    expect(await cookies.identify(header('abc'))).toBeUndefined(); // `sid` is not `__Host-sid`
    expect(await cookies.identify(header('abc', SECRET, '__Host-sid'))).toMatchObject({
      sessionId: SESSION_ID,
    });
  });
});

describe('the session cookie’s name and attributes', () => {
  it('development: `sid`, HttpOnly, not Secure, SameSite from the settings, living as long as an idle session', () => {
    expect(sessionCookieSettings({ production: false, sameSite: 'strict', idleTtlSec: 600 })).toEqual({
      name: 'sid',
      attributes: { httpOnly: true, secure: false, sameSite: 'strict', path: '/', maxAge: 600_000 },
    });
  });

  it('production: `__Host-sid`, which a browser accepts only Secure, on Path=/ and without Domain', () => {
    const { name, attributes } = sessionCookieSettings({
      production: true,
      sameSite: 'lax',
      idleTtlSec: 600,
    });
    expect(name).toBe('__Host-sid');
    expect(attributes).toMatchObject({ httpOnly: true, secure: true, path: '/' });
    expect(attributes).not.toHaveProperty('domain');
  });

  it('renews the cookie with a fresh expiry, and clears it with the same attributes', () => {
    const { cookies } = transport();
    const calls: unknown[][] = [];
    const res = {
      cookie: (...args: unknown[]) => calls.push(['set', ...args]),
      clearCookie: (...args: unknown[]) => calls.push(['clear', ...args]),
    } as unknown as Response;
    cookies.renew(res, 'abc');
    cookies.end(res);
    expect(calls[0]).toEqual([
      'set',
      'sid',
      `s:${sign('abc', SECRET)}`,
      expect.objectContaining({ maxAge: 3600_000 }),
    ]);
    expect(calls[1]).toEqual(['clear', 'sid', { httpOnly: true, secure: false, sameSite: 'lax', path: '/' }]);
  });
});

describe('whether a cookie session can be started on a request', () => {
  const request = (options: { secure: boolean; authorization?: string }): Request =>
    ({
      secure: options.secure,
      headers: options.authorization === undefined ? {} : { authorization: options.authorization },
    }) as unknown as Request;

  it('refuses a bearer-authenticated request, whatever the cookie settings', () => {
    for (const production of [true, false]) {
      const { cookies } = transport({ production });
      expect(cookies.refusal(request({ secure: production, authorization: 'Bearer x' }))?.kind).toBe(
        'BEARER_REQUEST',
      );
    }
  });

  it('refuses a Secure cookie on a request that is not HTTPS (express-session would drop it silently)', () => {
    expect(transport({ production: true }).cookies.refusal(request({ secure: false }))).toEqual({
      kind: 'INSECURE_REQUEST',
      message: 'Cookie sessions need HTTPS (set TRUST_PROXY behind a TLS proxy)',
    });
  });

  it('accepts HTTPS for a Secure cookie, and plain HTTP when the cookie is not Secure (development)', () => {
    expect(transport({ production: true }).cookies.refusal(request({ secure: true }))).toBeNull();
    expect(transport().cookies.refusal(request({ secure: false }))).toBeNull();
  });
});
