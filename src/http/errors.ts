import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../logger.js';

/** Errors that reach Express (body parsing, middleware): a clear status and a GraphQL-shaped body, no internals. */
export function httpErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: { type?: string; status?: number }, req, res, _next) => {
    if (res.headersSent) return;
    if (error.type === 'entity.too.large') {
      res
        .status(413)
        .json({ errors: [{ message: 'Request body too large', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
      return;
    }
    if (
      error.type === 'entity.parse.failed' ||
      error.type === 'charset.unsupported' ||
      error.type === 'encoding.unsupported'
    ) {
      res
        .status(400)
        .json({ errors: [{ message: 'Malformed request body', extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    logger.error({ err: error, reqId: req.meta?.requestId }, 'unhandled error');
    res.status(500).json({
      errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
  };
}
