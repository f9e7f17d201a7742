import type { VerifyResult } from '../../../src/auth/access-tokens.js';
import { createAuthenticate, type CredentialHeaders } from '../../../src/auth/authenticate.js';
import type { CookieCredential } from '../../../src/auth/cookie-transport.js';
import { Role } from '../../../src/authz/role.js';
import { Transport } from '../../../src/authz/transport.js';
import type { Admission } from '../../../src/sessions/session-admission.js';
import type { SessionState } from '../../../src/sessions/session-state.js';

const NOW = new Date('2026-01-01T12:00:00Z');
const SESSION = '11111111-1111-4111-8111-111111111111';
const USER = '22222222-2222-4222-8222-222222222222';
const TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln';
const COOKIE: CookieCredential = { raw: 's%3Aabc.sig', sid: 'abc', sessionId: SESSION };

const STATE: SessionState = {
  sessionId: SESSION,
  transport: Transport.BEARER,
  authTime: NOW,
  mfa: false,
  idleExpiresAt: NOW,
  absoluteExpiresAt: NOW,
  lastSeenAt: NOW,
  revokedAt: null,
  user: { id: USER, email: 'alice@example.com', roles: [Role.USER], createdAt: NOW, emailVerifiedAt: NOW },
};

/** Each transport's answer and the session's admission, as the test sets them; records what was asked. */
function setUp(
  options: { token?: VerifyResult; cookie?: CookieCredential | null; admission?: Admission } = {},
) {
  const asked: string[] = [];
  const authenticate = createAuthenticate({
    tokens: {
      async verify(token, now) {
        asked.push(`verify ${token} at ${now?.toISOString()}`);
        return options.token ?? { ok: true, sessionId: SESSION, userId: USER };
      },
    },
    sessions: {
      async admit(sessionId, transport, now, userId) {
        asked.push(`admit ${sessionId} ${transport}${userId ? ` for ${userId}` : ''}`);
        return options.admission ?? { ok: true, state: STATE, touched: false };
      },
    },
    cookies: {
      async identify(header) {
        asked.push(`identify ${header}`);
        return header === undefined ? undefined : options.cookie;
      },
      forget: (credential) => void asked.push(`forget ${credential.sid}`),
    },
  });
  return { asked, identify: (headers: CredentialHeaders) => authenticate(headers, NOW) };
}

describe('authenticate: bearer tokens', () => {
  it('a valid token is the viewer of its session, admitted for BEARER and for the token’s user', async () => {
    const { asked, identify } = setUp();
    const result = await identify({ authorization: `Bearer ${TOKEN}` });
    expect(result).toEqual({
      kind: 'viewer',
      viewer: expect.objectContaining({ userId: USER, sessionId: SESSION }),
    });
    expect(asked).toEqual([`verify ${TOKEN} at ${NOW.toISOString()}`, `admit ${SESSION} BEARER for ${USER}`]);
  });

  it('accepts the scheme name in any case (RFC 7235 §2.1)', async () => {
    expect((await setUp().identify({ authorization: `bEARER ${TOKEN}` })).kind).toBe('viewer');
  });

  it('decides alone: a cookie beside a token is never looked at, even when the token is bad', async () => {
    const { asked, identify } = setUp({ token: { ok: false, reason: 'TOKEN_INVALID' }, cookie: COOKIE });
    expect((await identify({ authorization: `Bearer ${TOKEN}`, cookie: 'sid=x' })).kind).toBe('rejected');
    expect(asked.some((step) => step.startsWith('identify'))).toBe(false);
  });

  it.each([
    ['Basic dXNlcjpwYXNz', 'another scheme'],
    ['Bearer', 'no token'],
    ['Bearer not a b64token!', 'a token that is not a b64token'],
  ])('refuses %j (%s) with 400 invalid_request', async (authorization) => {
    const { identify } = setUp({ token: { ok: false, reason: 'TOKEN_INVALID' } });
    expect(await identify({ authorization })).toEqual({
      kind: 'rejected',
      status: 400,
      error: 'invalid_request',
      reason: 'TOKEN_INVALID',
      description: 'Authorization must be "Bearer <token>"',
    });
  });

  it.each([
    ['TOKEN_INVALID', 'The access token is invalid'],
    ['TOKEN_EXPIRED', 'The access token expired'],
  ] as const)('refuses a token that verifies as %s with 401 invalid_token', async (reason, description) => {
    const { asked, identify } = setUp({ token: { ok: false, reason } });
    expect(await identify({ authorization: `Bearer ${TOKEN}` })).toEqual({
      kind: 'rejected',
      status: 401,
      error: 'invalid_token',
      reason,
      description,
    });
    expect(asked.some((step) => step.startsWith('admit'))).toBe(false);
  });

  it.each([
    ['SESSION_REVOKED', 'SESSION_REVOKED', 'The session was revoked'],
    ['SESSION_EXPIRED', 'SESSION_EXPIRED', 'The session expired'],
    ['TRANSPORT_MISMATCH', 'TOKEN_INVALID', 'The access token is invalid'],
    ['USER_MISMATCH', 'TOKEN_INVALID', 'The access token is invalid'],
  ] as const)(
    'refuses a token whose session is not admitted (%s) as %s',
    async (refusal, reason, description) => {
      const { identify } = setUp({ admission: { ok: false, reason: refusal } });
      expect(await identify({ authorization: `Bearer ${TOKEN}` })).toEqual({
        kind: 'rejected',
        status: 401,
        error: 'invalid_token',
        reason,
        description,
      });
    },
  );
});

describe('authenticate: the session cookie', () => {
  it('without a credential the caller is anonymous, and the response leaves cookies alone', async () => {
    expect(await setUp().identify({})).toEqual({ kind: 'anonymous' });
  });

  it('a live cookie session is the viewer, admitted for COOKIE; the cookie is renewed only when touched', async () => {
    const cookieState = { ...STATE, transport: Transport.COOKIE };
    const quiet = setUp({ cookie: COOKIE, admission: { ok: true, state: cookieState, touched: false } });
    expect(await quiet.identify({ cookie: 'sid=x' })).toEqual({ kind: 'viewer', viewer: expect.anything() });
    expect(quiet.asked).toEqual(['identify sid=x', `admit ${SESSION} COOKIE`]);
    const touched = setUp({ cookie: COOKIE, admission: { ok: true, state: cookieState, touched: true } });
    expect(await touched.identify({ cookie: 'sid=x' })).toEqual({
      kind: 'viewer',
      viewer: expect.anything(),
      cookie: { kind: 'renew', sid: 'abc' },
    });
  });

  it.each(['SESSION_REVOKED', 'SESSION_EXPIRED', 'TRANSPORT_MISMATCH'] as const)(
    'a cookie whose session is not admitted (%s) makes the request anonymous and is cleared and forgotten',
    async (reason) => {
      const { asked, identify } = setUp({ cookie: COOKIE, admission: { ok: false, reason } });
      expect(await identify({ cookie: 'sid=x' })).toEqual({ kind: 'anonymous', cookie: { kind: 'clear' } });
      expect(asked).toContain('forget abc');
    },
  );

  it('a forged cookie, or one bound to no session, makes the request anonymous and is cleared', async () => {
    const { asked, identify } = setUp({ cookie: null });
    expect(await identify({ cookie: 'sid=forged' })).toEqual({
      kind: 'anonymous',
      cookie: { kind: 'clear' },
    });
    expect(asked.some((step) => step.startsWith('admit'))).toBe(false);
  });
});
