import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * helmet's headers. The GraphQL landing page (development, or production with introspection on) loads Apollo's
 * embedded Sandbox, so its CDN and frame are allowed then; otherwise the strict default policy stands.
 */
export function securityHeaders(options: { landingPage: boolean }): RequestHandler {
  if (!options.landingPage) return helmet();
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
