import { DriverException } from '@mikro-orm/core';
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/**
 * Paths that may hold credentials. Redaction is the last line of defence: the code never logs a secret on
 * purpose, but a request or error object logged whole must not leak one either.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  'variables.password',
  'variables.currentPassword',
  'variables.newPassword',
  'variables.refreshToken',
];

/**
 * Errors as logged. A database error from MikroORM carries the SQL with its parameter values inlined in its message
 * and stack (password hashes, token hashes, emails), which path-based redaction cannot reach: only its kind, codes
 * and stack frames are kept.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof DriverException)) return pino.stdSerializers.err(error as Error);
  const frames = (error.stack ?? '').split('\n').filter((line) => line.startsWith('    at '));
  return { type: error.name, code: error.code, sqlState: error.sqlState, stack: frames.join('\n') };
}

/** A JSON logger with credentials redacted; `destination` lets tests capture the output. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'gatehouse' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
