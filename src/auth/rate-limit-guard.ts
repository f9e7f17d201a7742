import { AuditEventType } from '../audit/audit-event.entity.js';
import type { AuditLog, RequestMeta } from '../audit/audit-log.js';
import type { Em } from '../db/types.js';
import { PasswordHashingBusy } from '../users/password-hasher.js';
import { RateLimited } from './rate-limits.js';

/** A flow refused by a rate limit: answered 429 with Retry-After. */
export interface RateLimitedResult {
  readonly ok: false;
  readonly reason: 'RATE_LIMITED';
  readonly retryAfterSec: number;
}

/**
 * Runs work that may hit a rate limit (or find password hashing full): its value, or RATE_LIMITED, recorded in the
 * audit trail. A refusal changed nothing (the limiter refuses before the work does anything), so its audit row
 * stands alone.
 */
export async function guard<T>(
  deps: { readonly audit: AuditLog },
  em: Em,
  meta: RequestMeta,
  work: () => Promise<T>,
  userId: string | null = null,
): Promise<{ readonly ok: true; readonly value: T } | RateLimitedResult> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (!(error instanceof RateLimited) && !(error instanceof PasswordHashingBusy)) throw error;
    const limit = error instanceof RateLimited ? error.limit : 'password-hashing';
    await deps.audit.record(
      em,
      { type: AuditEventType.RATE_LIMITED, userId, details: { limit, retryAfter: error.retryAfterSec } },
      meta,
    );
    return { ok: false, reason: 'RATE_LIMITED', retryAfterSec: error.retryAfterSec };
  }
}

/** The address rate limits count by: the socket peer unless TRUST_PROXY says a proxy's header is to be believed. */
export function clientIp(meta: RequestMeta): string {
  return meta.ip ?? 'unknown';
}
