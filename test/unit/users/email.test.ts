import { emailProblem, normalizeEmail } from '../../../src/users/email.js';

// Look-alike addresses (UTS #39): each spelling either normalises to the real address or is refused.
describe('normalizeEmail', () => {
  it.each([
    ['trims and lower-cases', '  Alice@Example.COM ', 'alice@example.com'],
    ['maps fullwidth letters to ASCII (NFKC)', 'ａｌｉｃｅ@ｅｘａｍｐｌｅ．ｃｏｍ', 'alice@example.com'],
    ['maps the Kelvin sign to k (NFKC, then lower case)', '\u212Aate@example.com', 'kate@example.com'],
    ['makes NFD and NFC one address', 'jose\u0301@example.com', 'jos\u00e9@example.com'],
    ['gives an IDN domain its Unicode form', 'bob@BÜCHER.example', 'bob@bücher.example'],
    ['reads an A-label domain as the same Unicode domain', 'bob@xn--bcher-kva.example', 'bob@bücher.example'],
    ['keeps a plain ASCII domain byte for byte', 'bob@0x7f.1', 'bob@0x7f.1'],
  ])('%s', (_name, input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it('is idempotent', () => {
    for (const input of [
      'İstanbul@Ex.io',
      'ａ\u212A@ＢÜＣＨＥＲ.example',
      'e\u0301@xn--bcher-kva.example',
      'a\u200b@x.io',
    ]) {
      const once = normalizeEmail(input);
      expect(normalizeEmail(once)).toBe(once);
    }
  });

  it('keeps invisible characters, so that they are refused rather than silently merged', () => {
    expect(normalizeEmail('a\u200b@example.com')).toBe('a\u200b@example.com');
  });
});

describe('emailProblem', () => {
  it.each([
    'alice@example.com',
    'alice+tag@mail.example.co.uk',
    'jos\u00e9@bücher.example',
    'ivan@пример.рф',
    'иван@пример.рф',
    'taro@例え.テスト',
    'user@ex-ample.com',
  ])('accepts %s', (email) => {
    expect(emailProblem(normalizeEmail(email))).toBeNull();
  });

  const INVISIBLE = /invisible or control/;
  const SCRIPTS = /scripts/;
  const INVALID = /not a valid address/;
  it.each([
    ['a zero-width space', 'ali\u200bce@example.com', INVISIBLE],
    ['a zero-width joiner in the domain', 'alice@exam\u200dple.com', INVISIBLE],
    ['a right-to-left override', 'alice\u202e@example.com', INVISIBLE],
    ['a soft hyphen', 'al\u00adice@example.com', INVISIBLE],
    ['a NUL', 'a\u0000@example.com', INVISIBLE],
    ['a DEL', 'a\u007f@example.com', INVISIBLE],
    ['a no-break space inside', 'al\u00a0ice@example.com', INVISIBLE],
    ['a Hangul filler', 'al\u3164ice@example.com', INVISIBLE],
    ['a Cyrillic а in a Latin domain label', 'alice@ex\u0430mple.com', SCRIPTS],
    ['a Cyrillic а in a Latin local part', '\u0430lice@example.com', SCRIPTS],
    ['the A-label of a mixed-script domain', 'alice@xn--exmple-4nf.com', SCRIPTS],
    ['a Cyrillic label that only imitates Latin', 'alice@\u0430\u0440\u0435.com', SCRIPTS],
    ['a Greek omicron among Latin letters', 'alice@g\u03bfogle.com', SCRIPTS],
    ['a historic script', 'alice@\u16a0\u16a2.com', SCRIPTS],
    ['an invalid A-label', 'alice@xn--zz.com', INVALID],
    ['a numeric top-level label (an IPv4 address)', 'alice@127.0.0.1', INVALID],
    ['a WHATWG-only host (percent-encoding)', 'alice@ex%41mple.com', INVALID],
    ['an empty label', 'alice@example..com', INVALID],
    ['a label that starts with a hyphen', 'alice@-example.com', INVALID],
    ['two @', 'a@b@example.com', INVALID],
    ['no dot in the domain', 'alice@localhost', INVALID],
    ['a label over 63 octets', `alice@${'a'.repeat(64)}.com`, INVALID],
  ])('refuses %s', (_name, email, problem) => {
    expect(emailProblem(normalizeEmail(email))).toMatch(problem);
  });
});
