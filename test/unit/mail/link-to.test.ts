import { linkTo } from '../../../src/mail/outbox.js';

describe('linkTo', () => {
  it('builds APP_URL/<page>?token=…', () => {
    expect(linkTo('https://app.example.com', 'verify-email', 'abc')).toBe(
      'https://app.example.com/verify-email?token=abc',
    );
  });

  it('keeps a path prefix of APP_URL, with or without a trailing slash', () => {
    expect(linkTo('https://example.com/app', 'reset-password', 'abc')).toBe(
      'https://example.com/app/reset-password?token=abc',
    );
    expect(linkTo('https://example.com/app/', 'confirm-email', 'abc')).toBe(
      'https://example.com/app/confirm-email?token=abc',
    );
  });

  it('keeps the port and encodes the token', () => {
    expect(linkTo('http://localhost:5173', 'verify-email', 'a+b/c=')).toBe(
      'http://localhost:5173/verify-email?token=a%2Bb%2Fc%3D',
    );
  });
});
