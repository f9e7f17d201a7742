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
 * method, path without the query string, status and duration. Headers and bodies are never logged.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const userAgent = req.get('user-agent');
    req.meta = { requestId, ip: req.ip ?? null, userAgent: userAgent ? userAgent.slice(0, 512) : null };
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      if (!logger.isLevelEnabled('info')) return;
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
    next();
  };
}
