import { z } from 'zod';

// The parsers of the mail settings (DESIGN §6.1). SMTP_URL carries a password: no message here ever repeats it.

/** `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://…` (TLS from the first byte). */
export const smtpUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'expected a URL such as smtp://user:pass@host:587 or smtps://user:pass@host:465',
    });
    return;
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    ctx.addIssue({ code: 'custom', message: 'expected the scheme smtp:// or smtps://' });
  } else if (url.hostname === '') {
    ctx.addIssue({ code: 'custom', message: 'expected a host, as in smtp://user:pass@host:587' });
  }
});

/**
 * One sender: `no-reply@example.com` or `Example <no-reply@example.com>`. A line break is refused: it would let
 * the value add headers to every mail.
 */
export const mailbox = z
  .string()
  .regex(
    /^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/,
    'expected an address such as no-reply@example.com or "Example <no-reply@example.com>"',
  );

/** The web app that handles links: http(s), optionally with a path prefix; no query or fragment. */
export const appUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.search === '' &&
      url.hash === '' &&
      url.username === '' &&
      url.password === ''
    );
  } catch {
    return false;
  }
}, 'expected an http(s) URL such as https://app.example.com or https://example.com/app (no query)');
