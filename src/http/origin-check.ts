import type { RequestHandler } from 'express';

/**
 * CSRF defence for cookie-authenticated requests (OWASP CSRF cheat sheet, "Verifying origin with standard
 * headers"), on top of SameSite cookies and Apollo's csrfPrevention. A request that carries no bearer token may
 * ride the browser's cookie (or set one, at login), so it must come from an allowed origin: the `Origin` header
 * when present, else `Sec-Fetch-Site`. Requests with neither come from non-browser clients, which CSRF cannot
 * drive. Bearer requests are exempt: a browser never attaches that header by itself.
 */
export function originCheck(originAllowed: (origin: string) => boolean): RequestHandler {
  return (req, res, next) => {
    if (req.headers.authorization !== undefined || req.method === 'OPTIONS') return next();
    const origin = req.headers.origin;
    const sameOrigin = origin !== undefined && origin === `${req.protocol}://${req.get('host')}`;
    const fetchSite = req.get('sec-fetch-site');
    const allowed =
      origin !== undefined
        ? sameOrigin || originAllowed(origin)
        : fetchSite === undefined || fetchSite === 'same-origin' || fetchSite === 'none';
    if (allowed) return next();
    res
      .status(403)
      .set('Cache-Control', 'no-store')
      .json({
        errors: [
          {
            message: 'Cross-site request refused',
            extensions: { code: 'FORBIDDEN', reason: 'CROSS_SITE_REQUEST' },
          },
        ],
      });
  };
}
