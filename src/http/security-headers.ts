import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * helmet's headers. The GraphQL landing page (development, or production with introspection on) loads Apollo's
 * embedded Sandbox, so its CDN and frame are allowed then; otherwise the strict default policy stands.
 */
function helmetFor(landingPage: boolean) {
  if (!landingPage) return helmet();
  return helmet({
    contentSecurityPolicy: {
      directives: {
        imgSrc: ["'self'", 'data:', 'apollo-server-landing-page.cdn.apollographql.com'],
        scriptSrc: ["'self'", "'unsafe-inline'", 'https://embeddable-sandbox.cdn.apollographql.com'],
        styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
        fontSrc: ["'self'", 'https://fonts.gstatic.com'],
        manifestSrc: ["'self'", 'apollo-server-landing-page.cdn.apollographql.com'],
        frameSrc: ["'self'", 'https://sandbox.embed.apollographql.com'],
      },
    },
  });
}

/**
 * The headers helmet sets, worked out once: helmet is run at start-up against a recording response, and every
 * request then gets the recorded headers in one loop instead of a dozen middleware calls. helmet's headers do not
 * depend on the request (no nonces are configured), so the answer is the same header set, byte for byte; a helmet
 * that ever removed a header or ended the response would be refused here rather than silently skipped.
 */
export function securityHeaders(options: { landingPage: boolean }): RequestHandler {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
      return recorder;
    },
    removeHeader() {},
  };
  let ended = false;
  helmetFor(options.landingPage)(
    { headers: {} } as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error;
      ended = true;
    },
  );
  if (!ended || headers.length === 0) throw new Error('helmet did not hand its headers over synchronously');
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
