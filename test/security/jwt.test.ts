import { createHmac, createPrivateKey, sign, type JsonWebKey } from 'node:crypto';
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

/** Signs exactly these header and payload bytes with our key: for spellings jose would never write. */
async function signBytes(header: string | Buffer, payload: string | Buffer): Promise<string> {
  const [jwk] = await testKeys();
  const key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  const input = `${Buffer.from(header).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}

async function expectInvalidToken(token: string, reason = 'TOKEN_INVALID', url = server.url) {
  const res = await gql(url, ME, {}, { token });
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

describe('access tokens have one spelling — RFC 7515 §7.1, RFC 8725 §3.2 (checked before the signature)', () => {
  const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
  let header: string;
  let payload: string;
  beforeAll(() => {
    header = JSON.stringify(decodeProtectedHeader(alice.accessToken));
    payload = JSON.stringify(claims);
  });

  it('accepts our own spelling signed by hand (the control for every spelling below)', async () => {
    const res = await gql(server.url, ME, {}, { token: await signBytes(header, payload) });
    expect(res.status).toBe(200);
  });

  it.each<[string, () => Promise<string>]>([
    ['base64 padding after the signature', async () => `${alice.accessToken}==`],
    [
      'non-zero unused bits in the last character of the signature',
      async () => {
        // 64 bytes take 86 characters, whose last 4 bits are unused: this character decodes to the same bytes.
        const last = alice.accessToken.at(-1)!;
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        return alice.accessToken.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
      },
    ],
    [
      'a byte-order mark before the header',
      () => signBytes(Buffer.concat([BOM, Buffer.from(header)]), payload),
    ],
    [
      'a byte-order mark before the claims',
      () => signBytes(header, Buffer.concat([BOM, Buffer.from(payload)])),
    ],
    [
      'a duplicated header member (typ JWT, then at+jwt: JSON.parse keeps the last)',
      () => {
        const { kid } = decodeProtectedHeader(alice.accessToken);
        return signBytes(`{"alg":"EdDSA","kid":"${kid}","typ":"JWT","typ":"at+jwt"}`, payload);
      },
    ],
    [
      'a duplicated claim',
      () => signBytes(header, `${payload.slice(0, -1)},"sub":${JSON.stringify(claims.sub)}}`),
    ],
    [
      'whitespace inside the header JSON',
      () => signBytes(JSON.stringify(JSON.parse(header), null, 1), payload),
    ],
  ])('rejects %s', async (_what, forge) => {
    await expectInvalidToken(await forge());
  });

  it('answers 400 invalid_request to a token with a space inside its signature', async () => {
    const [h, p, s] = alice.accessToken.split('.');
    const res = await gql(server.url, ME, {}, { token: `${h}.${p}.${s!.slice(0, 20)} ${s!.slice(20)}` });
    expect(res.status).toBe(400);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
    expect(errorCode(res)).toBe('BAD_REQUEST');
  });

  it('rejects an Ed25519 signature with S + L (non-canonical; refused by the verifier itself, RFC 8032 §5.1.7)', async () => {
    const [h, p, s] = alice.accessToken.split('.');
    const signature = Buffer.from(s!, 'base64url');
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let scalar = 0n;
    for (let i = 63; i >= 32; i--) scalar = (scalar << 8n) | BigInt(signature[i]!);
    scalar += L; // still below 2^256: S < L always fits with room for one more L
    for (let i = 32; i < 64; i++) {
      signature[i] = Number(scalar & 0xffn);
      scalar >>= 8n;
    }
    await expectInvalidToken(`${h}.${p}.${signature.toString('base64url')}`);
  });
});

describe('ES256 access tokens — low-s signatures only (the high-s twin of a signature also verifies)', () => {
  const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  let es: TestServer;
  beforeAll(async () => {
    es = await startServer(db, {
      env: { JWT_KEYS: JSON.stringify({ keys: [await generateSigningJwk('ES256')] }) },
    });
  });
  afterAll(async () => {
    await es?.stop();
  });
  const sOf = (token: string) =>
    BigInt(`0x${Buffer.from(token.split('.')[2]!, 'base64url').subarray(32).toString('hex')}`);
  const REFRESH = 'mutation($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken } }';

  it('issues only low-s signatures, and accepts them', async () => {
    // Without normalisation, each signature is high-s with probability 1/2: 8 in a row low-s by chance is 1/256.
    let { accessToken, refreshToken } = await registerBearer(es.url);
    for (let i = 0; i < 8; i++) {
      expect(decodeProtectedHeader(accessToken).alg).toBe('ES256');
      expect(sOf(accessToken) <= N / 2n).toBe(true);
      expect((await gql(es.url, ME, {}, { token: accessToken })).status).toBe(200);
      const next = await gql<{ refresh: { accessToken: string; refreshToken: string } }>(es.url, REFRESH, {
        t: refreshToken,
      });
      ({ accessToken, refreshToken } = next.body.data!.refresh);
    }
  });

  it('rejects the high-s twin of a valid signature', async () => {
    const { accessToken } = await registerBearer(es.url);
    const [h, p, s] = accessToken.split('.');
    const signature = Buffer.from(s!, 'base64url');
    const twin = Buffer.from((N - sOf(accessToken)).toString(16).padStart(64, '0'), 'hex');
    const forged = `${h}.${p}.${Buffer.concat([signature.subarray(0, 32), twin]).toString('base64url')}`;
    await expectInvalidToken(forged, 'TOKEN_INVALID', es.url);
  });
});

describe('access-token lifetime — RFC 8725 §3.10, RFC 9068 §4', () => {
  const nowSec = () => Math.floor(server.clock.now().getTime() / 1000);

  it('rejects a token issued in the future, beyond the 30 s tolerance', async () => {
    const now = nowSec();
    await expectInvalidToken(await signWithOurKey({}, { ...claims, iat: now + 60, exp: now + 60 + 900 }));
    const withinTolerance = await signWithOurKey({}, { ...claims, iat: now + 10, exp: now + 10 + 900 });
    expect((await gql(server.url, ME, {}, { token: withinTolerance })).status).toBe(200);
  });

  it('rejects a token whose exp − iat exceeds ACCESS_TOKEN_TTL (+ 30 s)', async () => {
    const now = nowSec();
    await expectInvalidToken(await signWithOurKey({}, { ...claims, iat: now, exp: now + 900 + 31 }));
    await expectInvalidToken(await signWithOurKey({}, { ...claims, iat: now - 3000, exp: now + 600 }));
    const withinTolerance = await signWithOurKey({}, { ...claims, iat: now, exp: now + 900 + 30 });
    expect((await gql(server.url, ME, {}, { token: withinTolerance })).status).toBe(200);
  });
});

describe('the issuer is PUBLIC_URL, never the listening port', () => {
  it("lets two instances on different ports accept each other's tokens by default", async () => {
    const a = await startServer(db, { env: { PORT: '4101' } });
    const b = await startServer(db, { env: { PORT: '4102' } });
    try {
      const login = await registerBearer(a.url);
      expect(decodeJwt(login.accessToken).iss).toBe('http://localhost:4000');
      const res = await gql<{ me: { id: string } }>(b.url, ME, {}, { token: login.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.data?.me.id).toBe(login.userId);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('signs with PUBLIC_URL as iss, and refuses a token of another PUBLIC_URL', async () => {
    const api = await startServer(db, { env: { PUBLIC_URL: 'https://api.example.com' } });
    try {
      const login = await registerBearer(api.url);
      expect(decodeJwt(login.accessToken).iss).toBe('https://api.example.com');
      await expectInvalidToken(login.accessToken); // the file's server keeps the default issuer
    } finally {
      await api.stop();
    }
  });
});
