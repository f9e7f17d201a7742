import { createHmac } from 'node:crypto';
import { base64url, decodeJwt, decodeProtectedHeader, importJWK, SignJWT, type JWK } from 'jose';
import { generateSigningJwk } from '../../src/auth/key-set.js';
import { errorCode, errorReason, gql } from '../support/client.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testKeys } from '../support/keys.js';
import { startServer, type TestServer } from '../support/server.js';
import { registerBearer, type BearerLogin } from '../support/users.js';

let db: TestDatabase;
let server: TestServer;
let alice: BearerLogin;
let claims: Record<string, unknown>;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer(db);
  alice = await registerBearer(server.url);
  claims = decodeJwt(alice.accessToken);
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

const ME = '{ me { id } }';

/** Signs arbitrary claims with our real private key, so only the property under test differs. */
async function signWithOurKey(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  const [jwk] = await testKeys();
  const key = await importJWK(jwk as JWK, 'EdDSA');
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA', kid: jwk!.kid, typ: 'at+jwt', ...header } as never)
    .sign(key);
}

function unsigned(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const enc = (o: unknown) => base64url.encode(JSON.stringify(o));
  return `${enc(header)}.${enc(payload)}.`;
}

async function expectInvalidToken(token: string, reason = 'TOKEN_INVALID') {
  const res = await gql(server.url, ME, {}, { token });
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(errorCode(res)).toBe('UNAUTHENTICATED');
  expect(errorReason(res)).toBe(reason);
}

describe('access tokens — RFC 8725 (JWT BCP), RFC 9068 (at+jwt), RFC 6750 §3 (bearer errors)', () => {
  it('are EdDSA JWS with typ at+jwt, a kid, the documented claims, and under 1 KB', () => {
    const header = decodeProtectedHeader(alice.accessToken);
    expect(header).toEqual({ alg: 'EdDSA', kid: expect.any(String), typ: 'at+jwt' });
    expect(Object.keys(claims).sort()).toEqual(
      ['aud', 'exp', 'iat', 'iss', 'jti', 'roles', 'sid', 'sub'].sort(),
    );
    expect(claims.sub).toBe(alice.userId);
    expect(claims.sid).toBe(alice.sessionId);
    expect(claims.aud).toBe('gatehouse');
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
    expect(Buffer.byteLength(alice.accessToken)).toBeLessThan(1024);
  });

  it('authenticate a request (the control for every crafted token below)', async () => {
    const res = await gql<{ me: { id: string } }>(server.url, ME, {}, { token: alice.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.data?.me.id).toBe(alice.userId);
    const resigned = await signWithOurKey({}, claims);
    expect((await gql(server.url, ME, {}, { token: resigned })).status).toBe(200);
  });

  it('rejects a tampered payload', async () => {
    const [h, , s] = alice.accessToken.split('.');
    const payload = base64url.encode(JSON.stringify({ ...claims, roles: ['ADMIN'] }));
    await expectInvalidToken(`${h}.${payload}.${s}`);
  });

  it('rejects a tampered signature', async () => {
    const [h, p, s] = alice.accessToken.split('.');
    const flipped = (s![0] === 'A' ? 'B' : 'A') + s!.slice(1);
    await expectInvalidToken(`${h}.${p}.${flipped}`);
  });

  it('rejects an expired token (after the 30 s tolerance) with reason TOKEN_EXPIRED', async () => {
    await expectInvalidToken(
      await signWithOurKey({}, { ...claims, exp: Math.floor(Date.now() / 1000) - 31 }),
      'TOKEN_EXPIRED',
    );
    const withinTolerance = await signWithOurKey({}, { ...claims, exp: Math.floor(Date.now() / 1000) - 10 });
    expect((await gql(server.url, ME, {}, { token: withinTolerance })).status).toBe(200);
  });

  it('expires on the server clock', async () => {
    const bob = await registerBearer(server.url);
    server.clock.advance(900 + 31);
    try {
      await expectInvalidToken(bob.accessToken, 'TOKEN_EXPIRED');
    } finally {
      server.clock.advance(-(900 + 31));
    }
  });

  it('rejects an unknown kid, even when signed by a valid-looking key', async () => {
    const other = await generateSigningJwk('EdDSA');
    const key = await importJWK(other as JWK, 'EdDSA');
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: other.kid!, typ: 'at+jwt' })
      .sign(key);
    await expectInvalidToken(token);
    const noKid = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' }).sign(key);
    await expectInvalidToken(noKid);
  });

  it('rejects our kid with a foreign signature', async () => {
    const [ours] = await testKeys();
    const other = await generateSigningJwk('EdDSA');
    const key = await importJWK(other as JWK, 'EdDSA');
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: ours!.kid!, typ: 'at+jwt' })
      .sign(key);
    await expectInvalidToken(token);
  });

  it('rejects alg "none" (RFC 8725 §2.1)', async () => {
    const [ours] = await testKeys();
    await expectInvalidToken(unsigned({ alg: 'none', kid: ours!.kid, typ: 'at+jwt' }, claims));
  });

  it('rejects HS256 signed with the public key as the HMAC secret (algorithm confusion, RFC 8725 §2.1)', async () => {
    const [ours] = await testKeys();
    const header = base64url.encode(JSON.stringify({ alg: 'HS256', kid: ours!.kid, typ: 'at+jwt' }));
    const payload = base64url.encode(JSON.stringify(claims));
    for (const secret of [String(ours!.x), JSON.stringify({ kty: ours!.kty, crv: ours!.crv, x: ours!.x })]) {
      const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      await expectInvalidToken(`${header}.${payload}.${sig}`);
    }
  });

  it('rejects a token of another type (typ JWT, or none), RFC 9068 §4', async () => {
    await expectInvalidToken(await signWithOurKey({ typ: 'JWT' }, claims));
    await expectInvalidToken(await signWithOurKey({ typ: undefined }, claims));
  });

  it('rejects the wrong issuer or audience, and missing claims', async () => {
    await expectInvalidToken(await signWithOurKey({}, { ...claims, iss: 'https://evil.example' }));
    await expectInvalidToken(await signWithOurKey({}, { ...claims, aud: 'another-api' }));
    const { sid: _sid, ...noSid } = claims;
    await expectInvalidToken(await signWithOurKey({}, noSid));
    const { exp: _exp, ...noExp } = claims;
    await expectInvalidToken(await signWithOurKey({}, noExp));
  });

  it('ignores jku / x5u / jwk headers (never fetches or trusts an embedded key)', async () => {
    const attacker = await generateSigningJwk('EdDSA');
    const key = await importJWK(attacker as JWK, 'EdDSA');
    const { d: _d, ...publicJwk } = attacker;
    const token = await new SignJWT(claims)
      .setProtectedHeader({
        alg: 'EdDSA',
        typ: 'at+jwt',
        jwk: publicJwk as JWK,
        jku: 'http://127.0.0.1:1/jwks',
        x5u: 'http://127.0.0.1:1/x',
      } as never)
      .sign(key);
    await expectInvalidToken(token);
  });

  it('rejects a token whose sid is not a session of its subject', async () => {
    const bob = await registerBearer(server.url);
    await expectInvalidToken(await signWithOurKey({}, { ...claims, sid: bob.sessionId }));
  });

  it('rejects a refresh token presented as an access token', async () => {
    await expectInvalidToken(alice.refreshToken);
  });

  it('answers 400 invalid_request to an Authorization header that is not "Bearer <token>"', async () => {
    for (const value of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', `bearer ${alice.accessToken}x y`]) {
      const res = await gql(server.url, ME, {}, { headers: { authorization: value } });
      expect(res.status).toBe(400);
      expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
      expect(errorCode(res)).toBe('BAD_REQUEST');
    }
  });
});

describe('GET /.well-known/jwks.json — RFC 7517 §5: public members only', () => {
  it('publishes only the public members of every key, cacheable', async () => {
    const res = await fetch(`${server.origin}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const body = (await res.json()) as { keys: Record<string, unknown>[] };
    const [ours] = await testKeys();
    expect(body.keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: ours!.x, kid: ours!.kid, alg: 'EdDSA', use: 'sig' },
    ]);
    expect(JSON.stringify(body)).not.toContain(String(ours!.d));
  });
});
