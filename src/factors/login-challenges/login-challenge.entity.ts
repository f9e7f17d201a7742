import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Transport } from '../../authz/transport.js';
import { User } from '../../users/user.entity.js';

/**
 * The second step of a login whose password was right: an opaque token (only its SHA-256 stored), single use,
 * short-lived, bound to the user, the transport asked for and the known device the password check was counted as.
 */
@Entity({ tableName: 'login_challenges' })
export class LoginChallenge {
  [OptionalProps]?: 'id' | 'createdAt' | 'spentAt' | 'device';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true, hidden: true })
  tokenHash!: string;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Enum({ items: () => Transport, nativeEnumName: undefined })
  transport!: Transport;

  /** The verified device-token id of the login (its lock-out exemption carries over), or null. */
  @Property({ type: 'text', nullable: true })
  device: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', index: true })
  expiresAt!: Date;

  /** Set by the first completeLogin that gets past the rate limits, whatever its outcome. */
  @Property({ type: 'timestamptz', nullable: true })
  spentAt: Date | null = null;
}
