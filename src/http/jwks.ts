import { Router } from 'express';

/** Public halves of the signing keys (RFC 7517), so other services can verify our access tokens. */
export function jwksRoute(keys: { readonly jwks: { readonly keys: readonly object[] } }): Router {
  const router = Router();
  const body = JSON.stringify(keys.jwks);
  router.get('/.well-known/jwks.json', (_req, res) => {
    // Short enough that a removed key stops being trusted by verifiers soon after a rotation.
    res.set('Cache-Control', 'public, max-age=300').type('application/jwk-set+json').send(body);
  });
  return router;
}
