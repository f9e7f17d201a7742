import { randomUUID } from 'node:crypto';
import { ArrayType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Auth } from '../authz/decorators.js';
import { Role } from '../authz/role.js';

@ObjectType('User')
@Entity({ tableName: 'users' })
export class User {
  [OptionalProps]?:
    'id' | 'roles' | 'createdAt' | 'updatedAt' | 'disabledAt' | 'emailVerifiedAt' | 'emailVerified';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Stored normalised (trimmed, lower-case), which makes the unique constraint case-insensitive. */
  @Field(() => String, { description: 'Only the user themself or an ADMIN.' })
  @Auth({ requires: [Role.ADMIN], owner: 'id' })
  @Property({ type: 'text', unique: true })
  email!: string;

  /** argon2id PHC string. Hidden and lazy: loaded only by the login path, never serialised, no @Field. */
  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash!: string;

  @Field(() => [Role])
  @Property({ type: ArrayType })
  roles: Role[] = [Role.USER];

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  /**
   * Set by an ADMIN (disableUser): a disabled user cannot log in, and their sessions are refused. Shown in the
   * schema as `disabled` (UserResolver), since `me` answers from a session snapshot, not from this entity.
   */
  @Property({ type: 'timestamptz', nullable: true })
  disabledAt: Date | null = null;

  /** When the user proved they receive mail at `email` (a verification link, a reset, a confirmed change). */
  @Property({ type: 'timestamptz', nullable: true })
  emailVerifiedAt: Date | null = null;

  @Field(() => Boolean, {
    description: 'Whether the address was proved by a mailed link. Only the user themself or an ADMIN.',
  })
  @Auth({ requires: [Role.ADMIN], owner: 'id' })
  get emailVerified(): boolean {
    return this.emailVerifiedAt !== null;
  }
}
