import type { Response } from 'express';
import { createDeviceCookie } from '../../../src/auth/device-cookie.js';
import { createDeviceTokens, DEVICE_TOKEN_MAX_AGE_SEC } from '../../../src/auth/device-tokens.js';
import { TestClock } from '../../support/clock.js';

const OLD_SECRET = 'an old session secret of at least thirty-two bytes';
const NEW_SECRET = 'a new session secret, also at least thirty-two bytes';

describe('device tokens', () => {
  it('verify for the account they were issued to, however its email is spelt, and no other', () => {
    const tokens = createDeviceTokens({ secrets: [NEW_SECRET], clock: new TestClock() });
    const token = tokens.issue('Alice@Example.com');
    expect(token).toMatch(/^ghd_[\w-]{22}\.[\w-]{22}\.\d+\.[\w-]{43}$/);
    const device = tokens.verify(token, ' alice@example.com');
    expect(device).toEqual(expect.any(String));
    expect(tokens.verify(token, 'bob@example.com')).toBeNull();
    // Each login makes another device id: a token's failure budget is its own.
    expect(tokens.verify(tokens.issue('alice@example.com'), 'alice@example.com')).not.toBe(device);
  });

  it('refuse a token altered in any part, and garbage', () => {
    const tokens = createDeviceTokens({ secrets: [NEW_SECRET], clock: new TestClock() });
    const token = tokens.issue('alice@example.com');
    const parts = token.slice(4).split('.');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (let i = 0; i < parts.length; i++) {
      const altered = parts.map((p, j) => (j === i ? flip(p) : p));
      expect(tokens.verify(`ghd_${altered.join('.')}`, 'alice@example.com')).toBeNull();
    }
    for (const garbage of [
      undefined,
      null,
      '',
      'ghd_',
      `${token}x`,
      ` ${token}`,
      token.replace('ghd_', 'ghr_'),
    ])
      expect(tokens.verify(garbage, 'alice@example.com')).toBeNull();
  });

  it('refuse every other spelling of the signature (the unused bits of its last character set)', () => {
    const tokens = createDeviceTokens({ secrets: [NEW_SECRET], clock: new TestClock() });
    const token = tokens.issue('alice@example.com');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1)!);
    // 43 characters carry 258 bits for 256: the last character's two low bits are not part of the signature.
    for (const padding of [1, 2, 3]) {
      const respelt = token.slice(0, -1) + alphabet[(last & ~3) | padding];
      expect(tokens.verify(respelt, 'alice@example.com')).toBeNull();
    }
    expect(tokens.verify(token, 'alice@example.com')).not.toBeNull();
  });

  it('are signed with the first session secret and verified with all of them (rotation keeps devices known)', () => {
    const clock = new TestClock();
    const before = createDeviceTokens({ secrets: [OLD_SECRET], clock });
    const token = before.issue('alice@example.com');
    const rotated = createDeviceTokens({ secrets: [NEW_SECRET, OLD_SECRET], clock });
    expect(rotated.verify(token, 'alice@example.com')).not.toBeNull();
    const retired = createDeviceTokens({ secrets: [NEW_SECRET], clock });
    expect(retired.verify(token, 'alice@example.com')).toBeNull();
  });

  it('expire a year after issue, and are refused when issued in the future', () => {
    const clock = new TestClock();
    const tokens = createDeviceTokens({ secrets: [NEW_SECRET], clock });
    const token = tokens.issue('alice@example.com');
    clock.advance(DEVICE_TOKEN_MAX_AGE_SEC - 60);
    expect(tokens.verify(token, 'alice@example.com')).not.toBeNull();
    clock.advance(120);
    expect(tokens.verify(token, 'alice@example.com')).toBeNull();

    const behind = new TestClock();
    behind.advance(-3600);
    const late = createDeviceTokens({ secrets: [NEW_SECRET], clock: behind });
    expect(late.verify(tokens.issue('alice@example.com'), 'alice@example.com')).toBeNull();
  });
});

describe('the device cookie', () => {
  const written = (production: boolean) => {
    const calls: unknown[][] = [];
    const res = { cookie: (...args: unknown[]) => calls.push(args) } as unknown as Response;
    createDeviceCookie({ production, sameSite: 'lax' }).write(res, 'ghd_token');
    return calls[0]!;
  };

  it('is __Host-gh_device, Secure, httpOnly, path / and long-lived in production', () => {
    const [name, value, options] = written(true);
    expect(name).toBe('__Host-gh_device');
    expect(value).toBe('ghd_token');
    expect(options).toEqual({
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
      path: '/',
      maxAge: DEVICE_TOKEN_MAX_AGE_SEC * 1000,
    });
  });

  it('is gh_device without Secure in development, and is read back from the Cookie header', () => {
    const [name, , options] = written(false);
    expect(name).toBe('gh_device');
    expect(options).toMatchObject({ httpOnly: true, secure: false });
    const cookie = createDeviceCookie({ production: false, sameSite: 'lax' });
    const req = { headers: { cookie: 'sid=s%3Aabc; gh_device=ghd_x.y; other=1' } };
    expect(cookie.read(req as never)).toBe('ghd_x.y');
    expect(cookie.read({ headers: {} } as never)).toBeUndefined();
  });
});
