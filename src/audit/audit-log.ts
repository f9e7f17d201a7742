import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import type { Em } from '../db/types.js';
import type { Logger } from '../logger.js';
import { AuditEvent, AuditEventType } from './audit-event.entity.js';

/** Where a request came from, as far as we can tell (the IP honours TRUST_PROXY only). */
export interface RequestMeta {
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly requestId: string;
}

export interface AuditInput {
  readonly type: AuditEventType;
  readonly userId?: string | null;
  readonly sessionId?: string | null;
  /** Ids, names and reasons only: never a password, token or cookie. */
  readonly details?: Record<string, unknown>;
}

/** Records security events: one row per event, plus a structured log line with the request id. */
export interface AuditLog {
  record(em: Em, input: AuditInput, meta: RequestMeta): Promise<void>;
  /**
   * Records at most one event per `key` per minute, across instances (a unique key per minute bucket), so a
   * flood of denials cannot fill the table. Never throws: auditing a denial must not change the answer.
   */
  recordThrottled(em: Em, input: AuditInput, meta: RequestMeta, key: string): Promise<void>;
  /**
   * Resolves once every throttled record started so far has been written (or has failed). A denial's record is
   * not awaited by the request it denies; this lets a test or a shutdown wait for it instead of sleeping.
   */
  settled(): Promise<void>;
}

export function createAuditLog(deps: { clock: Clock; logger: Logger }): AuditLog {
  const { clock, logger } = deps;
  const recent = new LRUCache<string, true>({ max: 10_000 });
  const pending = new Set<Promise<void>>();

  // em.insert() bypasses entity defaults, so the id and time are set here.
  const row = (input: AuditInput, meta: RequestMeta, dedupeKey: string | null) => ({
    id: randomUUID(),
    type: input.type,
    userId: input.userId ?? null,
    sessionId: input.sessionId ?? null,
    ip: meta.ip,
    userAgent: meta.userAgent,
    details: input.details ?? null,
    dedupeKey,
    createdAt: clock.now(),
  });
  const log = (input: AuditInput, meta: RequestMeta) =>
    logger.info(
      {
        audit: input.type,
        userId: input.userId,
        sessionId: input.sessionId,
        ip: meta.ip,
        reqId: meta.requestId,
        ...input.details,
      },
      'security event',
    );

  return {
    async record(em, input, meta) {
      await em.insert(AuditEvent, row(input, meta, null));
      log(input, meta);
    },
    recordThrottled(em, input, meta, key) {
      const minute = Math.floor(clock.now().getTime() / 60_000);
      const dedupeKey = `${key}@${minute}`;
      if (recent.has(dedupeKey)) return Promise.resolve();
      recent.set(dedupeKey, true);
      const write = (async () => {
        try {
          await em
            .createQueryBuilder(AuditEvent)
            .insert(row(input, meta, dedupeKey))
            .onConflict('dedupe_key')
            .ignore()
            .execute();
          log(input, meta);
        } catch (error) {
          logger.error({ err: error, audit: input.type }, 'could not record a throttled audit event');
        }
      })();
      pending.add(write);
      return write.finally(() => pending.delete(write));
    },
    async settled() {
      // A record started while waiting is waited for too.
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
