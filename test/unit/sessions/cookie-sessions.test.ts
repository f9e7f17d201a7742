import type { Request, RequestHandler } from 'express';
import { createCookieSessions } from '../../../src/sessions/cookie-sessions.js';
import { createSessionCookieCodec } from '../../../src/sessions/session-cookie.js';

const OPTIONS = { httpOnly: true, sameSite: 'lax' as const, path: '/', maxAge: 60_000 };
const unusedExpressSession: RequestHandler = () => {
  throw new Error('refusal() must not start express-session');
};

function cookieSessions(secure: boolean) {
  const codec = createSessionCookieCodec('sid', ['secret'], { ...OPTIONS, secure });
  return createCookieSessions({ codec, expressSession: unusedExpressSession });
}

function request(options: { secure: boolean; authorization?: string }): Request {
  const headers = options.authorization === undefined ? {} : { authorization: options.authorization };
  return { secure: options.secure, headers } as unknown as Request;
}

describe('whether a cookie session can be started on a request', () => {
  it('refuses a bearer-authenticated request, whatever the cookie settings', () => {
    for (const secure of [true, false]) {
      expect(cookieSessions(secure).refusal(request({ secure, authorization: 'Bearer x' }))?.kind).toBe(
        'BEARER_REQUEST',
      );
    }
  });

  it('refuses a Secure cookie on a request that is not HTTPS (express-session would drop it silently)', () => {
    expect(cookieSessions(true).refusal(request({ secure: false }))).toEqual({
      kind: 'INSECURE_REQUEST',
      message: 'Cookie sessions need HTTPS (set TRUST_PROXY behind a TLS proxy)',
    });
  });

  it('accepts HTTPS for a Secure cookie, and plain HTTP when the cookie is not Secure (development)', () => {
    expect(cookieSessions(true).refusal(request({ secure: true }))).toBeNull();
    expect(cookieSessions(false).refusal(request({ secure: false }))).toBeNull();
  });
});
