import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import type { RequestMeta } from '../audit/audit-log.js';

declare module 'express-serve-static-core' {
  interface Request {
    meta: RequestMeta;
  }
}

/**
 * Gives every request an id (echoed as X-Request-Id) and its client address, and logs one line when it ends:
 * method, path without the query string, status and duration. Headers and bodies are never logged. The end of the
 * request is only listened for when that line will be written (LOG_LEVEL info or finer).
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const requestId = randomUUID();
    const userAgent = req.headers['user-agent'];
    // Read now, not when an audit row is written: a row written after the answer may outlive the socket.
    req.meta = { requestId, ip: req.ip ?? null, userAgent: userAgent ? userAgent.slice(0, 512) : null };
    res.setHeader('X-Request-Id', requestId);
    if (logger.isLevelEnabled('info')) {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        logger.info(
          {
            reqId: requestId,
            method: req.method,
            path: req.originalUrl.split('?')[0],
            status: res.statusCode,
            ms: Math.round(ms * 10) / 10,
          },
          'request',
        );
      });
    }
    next();
  };
}
