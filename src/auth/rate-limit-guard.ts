import { AuditEventType } from '../audit/audit-event.entity.js';
import type { GraphQLContext } from '../graphql/context.js';
import { rateLimited } from '../graphql/errors.js';
import { RateLimited } from './rate-limits.js';

/** Runs work that may hit a rate limit; over the limit, records RATE_LIMITED and answers 429 with Retry-After. */
export async function guard<T>(
  ctx: GraphQLContext,
  work: () => Promise<T>,
  userId?: string | null,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof RateLimited)) throw error;
    await ctx.services.audit.record(
      ctx.em,
      {
        type: AuditEventType.RATE_LIMITED,
        userId: userId ?? null,
        details: { limit: error.limit, retryAfter: error.retryAfterSec },
      },
      ctx.meta,
    );
    throw rateLimited(error.retryAfterSec);
  }
}

/** The address rate limits count by: the socket peer unless TRUST_PROXY says a proxy's header is to be believed. */
export function clientIp(ctx: GraphQLContext): string {
  return ctx.meta.ip ?? 'unknown';
}
