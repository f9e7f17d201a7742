import { randomUUID } from 'node:crypto';
import { ArrayType, Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../../users/user.entity.js';

/**
 * One registered WebAuthn credential (a passkey) of a user. The schema shows its name and dates only: the
 * credential id and public key are not secrets, but no client needs them, and listing them would hand out a
 * correlation handle across relying parties.
 */
@ObjectType('Passkey', { description: 'A passkey registered by the caller.' })
@Entity({ tableName: 'passkeys' })
export class Passkey {
  [OptionalProps]?: 'id' | 'createdAt' | 'lastUsedAt' | 'transports' | 'backedUp';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade', index: true })
  user!: Ref<User>;

  /** The credential id as the authenticator sent it, base64url: what an assertion names. */
  @Property({ type: 'text', unique: true, hidden: true })
  credentialId!: string;

  /** COSE public key. */
  @Property({ type: 'blob', hidden: true })
  publicKey!: Buffer;

  /** The signature counter last seen; bigint, since authenticators count in 32 bits unsigned. */
  @Property({ type: 'bigint', hidden: true })
  counter!: string;

  /** Transport hints from registration, handed back in excludeCredentials. */
  @Property({ type: ArrayType, hidden: true })
  transports: string[] = [];

  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  /** A synced (multi-device) passkey, per the BE/BS flags at registration. */
  @Field(() => Boolean, { description: 'Synced across devices by its provider (backed up).' })
  @Property({ type: 'boolean' })
  backedUp: boolean = false;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;
}
