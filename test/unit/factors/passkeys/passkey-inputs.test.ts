import { readClientData } from '../../../../src/factors/passkeys/client-data.js';
import { passkeyName } from '../../../../src/factors/passkeys/passkey-name.js';
import { encodedUserHandleOf, userHandleOf } from '../../../../src/factors/passkeys/relying-party.js';
import { onRelyingParty } from '../../../../src/settings/webauthn.js';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('readClientData', () => {
  it('reads the challenge and origin of a response', () => {
    const clientDataJSON = encode({
      type: 'webauthn.get',
      challenge: 'abc',
      origin: 'https://app.example.com',
    });
    expect(readClientData({ response: { clientDataJSON } })).toEqual({
      challenge: 'abc',
      origin: 'https://app.example.com',
    });
  });

  it.each([
    ['no response', null],
    ['no clientDataJSON', { response: {} }],
    ['not a string', { response: { clientDataJSON: 42 } }],
    [
      'not canonical base64url',
      { response: { clientDataJSON: `${encode({ challenge: 'a', origin: 'b' })}=` } },
    ],
    ['not JSON', { response: { clientDataJSON: Buffer.from('{').toString('base64url') } }],
    ['no challenge', { response: { clientDataJSON: encode({ origin: 'https://a.example' }) } }],
    [
      'an origin that is not a string',
      { response: { clientDataJSON: encode({ challenge: 'a', origin: 1 }) } },
    ],
  ])('answers null for %s', (_case, response) => {
    expect(readClientData(response)).toBeNull();
  });
});

describe('passkeyName', () => {
  it('trims, and refuses empty, long or control-character names', () => {
    expect(passkeyName('  Work laptop ')).toEqual({ ok: true, value: 'Work laptop' });
    expect(passkeyName('x'.repeat(64))).toMatchObject({ ok: true });
    for (const bad of ['', '   ', 'x'.repeat(65), 'line\nbreak', 'nul\u0000']) {
      expect(passkeyName(bad)).toMatchObject({ ok: false, reason: 'INVALID_NAME' });
    }
  });
});

describe('the user handle', () => {
  it('is the 16 bytes of the user id, nothing about the person', () => {
    const id = '0f8e2c1a-4b3d-4e5f-8a9b-0c1d2e3f4a5b';
    expect(Buffer.from(userHandleOf(id)).toString('hex')).toBe('0f8e2c1a4b3d4e5f8a9b0c1d2e3f4a5b');
    expect(encodedUserHandleOf(id)).toBe(
      Buffer.from('0f8e2c1a4b3d4e5f8a9b0c1d2e3f4a5b', 'hex').toString('base64url'),
    );
  });
});

describe('onRelyingParty', () => {
  it.each([
    ['https://example.com', true],
    ['https://app.example.com', true],
    ['http://localhost:5173', false],
    ['https://example.com.evil.io', false],
    ['https://notexample.com', false],
  ])('%s on example.com: %s', (origin, expected) => {
    expect(onRelyingParty(origin, 'example.com')).toBe(expected);
  });
});
