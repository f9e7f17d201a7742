import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Auth } from '../../src/authz/decorators.js';
import { Role } from '../../src/authz/role.js';
import { User } from '../../src/users/user.entity.js';

/**
 * A note, readable by its owner or an ADMIN only. The rule sits on the type, so it covers every field however the
 * note is reached (`note(id)`, a connection, a later subscription): a caller who found another user's note id gets
 * FORBIDDEN (NOT_OWNER), and the denial is audited like any other.
 */
@ObjectType('Note')
@Auth({ requires: [Role.ADMIN], owner: 'ownerId' })
@Entity({ tableName: 'notes' })
@Index({ properties: ['ownerId', 'createdAt', 'id'] })
export class Note {
  [OptionalProps]?: 'id';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** The owner's id (the column only, no loaded User): the `owner` field is batched by a DataLoader instead. */
  @ManyToOne(() => User, { mapToPk: true, fieldName: 'owner_id', deleteRule: 'cascade' })
  ownerId!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  title!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  body!: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  updatedAt!: Date;
}
