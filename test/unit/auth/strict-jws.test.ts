import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { isStrictCompactJws, toLowS } from '../../../src/auth/strict-jws.js';

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64url');
const sOf = (jws: string) =>
  BigInt(`0x${Buffer.from(jws.split('.')[2]!, 'base64url').subarray(32).toString('hex')}`);

const ed = generateKeyPairSync('ed25519');
const HEADER = '{"alg":"EdDSA","kid":"k","typ":"at+jwt"}';
const PAYLOAD = '{"sub":"u","iat":1,"exp":2}';

function edJws(header = HEADER, payload = PAYLOAD): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign(null, Buffer.from(input), ed.privateKey).toString('base64url')}`;
}

function esJws(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const input = `${b64('{"alg":"ES256","kid":"k","typ":"at+jwt"}')}.${b64(PAYLOAD)}`;
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

describe('isStrictCompactJws', () => {
  it('accepts the form JSON.stringify and canonical base64url write (the control)', () => {
    expect(isStrictCompactJws(edJws())).toBe(true);
  });

  it.each<[string, () => string]>([
    ['two segments', () => edJws().split('.').slice(0, 2).join('.')],
    ['four segments', () => `${edJws()}.x`],
    ['an empty signature', () => `${edJws().split('.').slice(0, 2).join('.')}.`],
    ['padding', () => `${edJws()}==`],
    ['a space', () => edJws().replace(/\.(.{10})/, '.$1 ')],
    ['a standard-base64 character', () => edJws().replace('.', '.+')],
    ['a BOM', () => edJws(`\uFEFF${HEADER}`)],
    ['a duplicated header member', () => edJws('{"alg":"EdDSA","kid":"k","typ":"JWT","typ":"at+jwt"}')],
    ['a duplicated claim', () => edJws(HEADER, '{"sub":"u","iat":1,"exp":2,"exp":9}')],
    ['whitespace in JSON', () => edJws(HEADER, '{"sub": "u","iat":1,"exp":2}')],
    ['an escape JSON.stringify would not write', () => edJws(HEADER, '{"sub":"\\u0075","iat":1,"exp":2}')],
    ['a JSON array header', () => edJws('["EdDSA"]')],
    [
      'invalid UTF-8',
      () => `${b64(Buffer.from([0x7b, 0xff, 0x7d]))}.${edJws().split('.').slice(1).join('.')}`,
    ],
    ['an algorithm we never use', () => edJws('{"alg":"HS256","kid":"k","typ":"at+jwt"}')],
    ['a short signature', () => edJws().slice(0, -4)],
  ])('refuses %s', (_what, make) => {
    expect(isStrictCompactJws(make())).toBe(false);
  });

  it('refuses non-zero unused bits in the last character', () => {
    const jws = edJws();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = jws.slice(0, -1) + alphabet[alphabet.indexOf(jws.at(-1)!) ^ 1];
    expect(Buffer.from(twin.split('.')[2]!, 'base64url')).toEqual(
      Buffer.from(jws.split('.')[2]!, 'base64url'),
    );
    expect(isStrictCompactJws(twin)).toBe(false);
  });
});

describe('ES256: toLowS and the low-s rule', () => {
  it('rewrites a high s to n − s, which still verifies, and accepts only the low form', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const input = `${b64('{"alg":"ES256","kid":"k","typ":"at+jwt"}')}.${b64(PAYLOAD)}`;
    for (let i = 0; i < 16; i++) {
      const raw = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
      const jws = `${input}.${raw.toString('base64url')}`;
      const low = toLowS(jws);
      expect(sOf(low) <= N / 2n).toBe(true);
      const lowSig = Buffer.from(low.split('.')[2]!, 'base64url');
      expect(
        verify('sha256', Buffer.from(input), { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, lowSig),
      ).toBe(true);
      expect(isStrictCompactJws(low)).toBe(true);
      expect(isStrictCompactJws(jws)).toBe(sOf(jws) <= N / 2n);
    }
  });

  it('refuses the high-s twin of a low-s signature', () => {
    const low = toLowS(esJws());
    const [h, p, s] = low.split('.');
    const signature = Buffer.from(s!, 'base64url');
    const high = Buffer.from((N - sOf(low)).toString(16).padStart(64, '0'), 'hex');
    expect(
      isStrictCompactJws(
        `${h}.${p}.${Buffer.concat([signature.subarray(0, 32), high]).toString('base64url')}`,
      ),
    ).toBe(false);
  });
});
