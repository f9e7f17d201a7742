import { randomUUID } from 'node:crypto';
import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { User } from '../users/user.entity.js';

/** What a mailed link may do; a token of one purpose is worthless for another. */
export enum LinkPurpose {
  VERIFY_EMAIL = 'VERIFY_EMAIL',
  RESET_PASSWORD = 'RESET_PASSWORD',
  CHANGE_EMAIL = 'CHANGE_EMAIL',
}

/**
 * One mailed link token. Only its SHA-256 is stored (a database read must not hand out working links); spending
 * sets `usedAt`, and a newer request of the same purpose, or a password change, deletes the outstanding ones.
 */
@Entity({ tableName: 'link_tokens' })
@Index({ properties: ['user', 'purpose'] })
export class LinkToken {
  [OptionalProps]?: 'id' | 'usedAt' | 'newEmail';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Enum({ items: () => LinkPurpose })
  purpose!: LinkPurpose;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  /** CHANGE_EMAIL only: the normalised address the link confirms. */
  @Property({ type: 'text', nullable: true })
  newEmail: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt: Date | null = null;
}
