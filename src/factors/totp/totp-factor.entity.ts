import { BigIntType, Entity, OneToOne, OptionalProps, Property, type Ref } from '@mikro-orm/core';
import { User } from '../../users/user.entity.js';

/**
 * A user's TOTP factor (RFC 6238). Pending until its first code confirms it. The secret is stored encrypted
 * (see factor-cipher.ts), never in the clear and never in the schema.
 */
@Entity({ tableName: 'totp_factors' })
export class TotpFactor {
  [OptionalProps]?: 'createdAt' | 'confirmedAt' | 'lastUsedStep';

  @OneToOne(() => User, { primary: true, ref: true, deleteRule: 'cascade', owner: true })
  user!: Ref<User>;

  /** The encrypted secret (AES-256-GCM envelope naming its key). */
  @Property({ type: 'text', hidden: true })
  secret!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** Null while the enrolment awaits its first code: a pending factor is not a factor. */
  @Property({ type: 'timestamptz', nullable: true })
  confirmedAt: Date | null = null;

  /**
   * The last 30-second step whose code was accepted: only a later step is accepted, in one conditional update, so a
   * code is accepted once even when it is replayed at once on another instance.
   */
  @Property({ type: new BigIntType('number'), default: 0 })
  lastUsedStep: number = 0;
}
