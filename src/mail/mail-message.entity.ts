import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** Where a mail of the outbox stands. */
export enum MailStatus {
  PENDING = 'PENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
}

/**
 * One mail of the durable outbox (`mail_outbox`). Written in the transaction of the change that causes it, so it
 * exists if and only if that change committed; the sender of any instance delivers it later. The bodies hold
 * single-use link tokens: they are erased (set to null) once the mail is sent or given up, and never reach the
 * schema or a log. Not exposed in GraphQL.
 */
@Entity({ tableName: 'mail_outbox' })
@Index({ name: 'mail_outbox_status_due_at_index', properties: ['status', 'dueAt'] })
export class MailMessage {
  [OptionalProps]?:
    'id' | 'status' | 'attempts' | 'userId' | 'createdAt' | 'sentAt' | 'failedAt' | 'lastError';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  recipient!: string;

  @Property({ type: 'text' })
  template!: string;

  /** Kept after sending: a subject never holds a secret. */
  @Property({ type: 'text' })
  subject!: string;

  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  textBody: string | null = null;

  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  htmlBody: string | null = null;

  /** A plain id, no foreign key: the record of a mail outlives the account it was about. */
  @Property({ type: 'uuid', nullable: true })
  userId: string | null = null;

  @Enum({ items: () => MailStatus })
  status: MailStatus = MailStatus.PENDING;

  @Property({ type: 'integer' })
  attempts: number = 0;

  /** When the next attempt may start; moved forward by the backoff after a failure. */
  @Property({ type: 'timestamptz' })
  dueAt!: Date;

  /**
   * While set and in the future (database clock), one sender holds the mail and the others skip it; see
   * claim-due-mail.ts for why a lease and not a lock held during the send.
   */
  @Property({ type: 'timestamptz', nullable: true })
  leasedUntil: Date | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  sentAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  failedAt: Date | null = null;

  /** The class of the last failure (an error name or SMTP code), never a message that could echo a secret. */
  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;
}
