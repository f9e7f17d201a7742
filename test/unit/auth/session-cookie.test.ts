import type { Response } from 'express';
import { createSessionCookieCodec } from '../../../src/auth/session-cookie.js';

const OPTIONS = { httpOnly: true, secure: false, sameSite: 'lax' as const, path: '/', maxAge: 60_000 };

/** Records what the codec asks Express to do with the response. */
function fakeResponse() {
  const calls: { set: unknown[][]; clear: unknown[][] } = { set: [], clear: [] };
  const res = {
    cookie: (...args: unknown[]) => calls.set.push(args),
    clearCookie: (...args: unknown[]) => calls.clear.push(args),
  } as unknown as Response;
  return { res, calls };
}

describe('the session cookie codec', () => {
  const codec = createSessionCookieCodec('sid', ['new-secret', 'old-secret'], OPTIONS);

  it("round-trips express-session's signed format with the first secret", () => {
    const { res, calls } = fakeResponse();
    codec.write(res, 'abc');
    const [name, value, options] = calls.set[0]!;
    expect(name).toBe('sid');
    expect(value).toMatch(/^s:abc\./);
    expect(options).toMatchObject({ httpOnly: true, maxAge: 60_000 });
    expect(codec.verify(encodeURIComponent(value as string))).toBe('abc');
  });

  it('still verifies a cookie signed with a retired secret', () => {
    const old = createSessionCookieCodec('sid', ['old-secret'], OPTIONS);
    const { res, calls } = fakeResponse();
    old.write(res, 'xyz');
    expect(codec.verify(calls.set[0]![1] as string)).toBe('xyz');
  });

  it.each(['abc', 's:abc', 's:abc.forged', '%E0%A4%A', 's:abc.' + 'A'.repeat(43)])(
    'refuses the forged or mangled value %j',
    (raw) => {
      expect(codec.verify(raw)).toBeNull();
    },
  );

  it('finds its own cookie among others, and nothing in a header without it', () => {
    expect(codec.find('a=1; sid=s%3Avalue; b=2')).toBe('s%3Avalue');
    expect(codec.find('a=1; xsid=2')).toBeUndefined();
    expect(codec.find(undefined)).toBeUndefined();
  });

  it('clears with the same attributes, without an expiry', () => {
    const { res, calls } = fakeResponse();
    codec.clear(res);
    expect(calls.clear[0]).toEqual(['sid', { httpOnly: true, secure: false, sameSite: 'lax', path: '/' }]);
  });
});
