import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The counters rate-limiter-flexible keeps in PostgreSQL (its own table layout), declared here so migrations
 * create it and the schema diff knows it. Shared by every instance; keys never hold a secret.
 */
@Entity({ tableName: 'rate_limits' })
export class RateLimitEntry {
  @PrimaryKey({ type: 'string', length: 255 })
  key!: string;

  @Property({ type: 'integer', default: 0 })
  points: number = 0;

  /** Epoch milliseconds; null never expires. */
  @Property({ type: 'bigint', nullable: true })
  expire: string | null = null;
}
