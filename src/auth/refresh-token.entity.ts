import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Session } from '../sessions/session.entity.js';

/** One refresh token of a bearer session. Only its SHA-256 is stored; spent tokens stay for reuse detection. */
@Entity({ tableName: 'refresh_tokens' })
export class RefreshToken {
  [OptionalProps]?: 'id' | 'createdAt' | 'usedAt' | 'parentId';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Session, { ref: true, deleteRule: 'cascade', index: true })
  session!: Ref<Session>;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  /** The token this one replaced (a rotation chain). */
  @Property({ type: 'uuid', nullable: true })
  parentId: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** When it was spent by a refresh; a later presentation is a replay. */
  @Property({ type: 'timestamptz', nullable: true })
  usedAt: Date | null = null;
}
