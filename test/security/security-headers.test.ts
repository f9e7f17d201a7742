import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import { securityHeaders } from '../../src/http/security-headers.js';

// The security headers are worked out once from helmet and replayed per request (src/http/security-headers.ts).
// They must be exactly what helmet itself sets, in both policies (strict, and with the Sandbox landing page).
const SANDBOX_CSP = {
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
};

/** The headers a one-route app with `middleware` answers with (Date and connection headers left out). */
async function headersOf(middleware: RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.disable('x-powered-by');
  app.use(middleware);
  app.get('/', (_req, res) => {
    res.end('ok');
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`);
    await res.text();
    const headers = Object.fromEntries(res.headers);
    for (const name of ['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'])
      delete headers[name];
    return headers;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('security headers', () => {
  it.each([
    ['the strict policy', false, helmet()],
    ['the landing-page policy', true, helmet(SANDBOX_CSP)],
  ])('are exactly helmet’s, with %s', async (_name, landingPage, reference) => {
    const expected = await headersOf(reference);
    expect(Object.keys(expected).length).toBeGreaterThan(10);
    expect(await headersOf(securityHeaders({ landingPage }))).toEqual(expected);
  });
});
