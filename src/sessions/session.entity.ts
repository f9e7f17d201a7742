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
import { Field, ID, ObjectType } from 'type-graphql';
import { Auth } from '../authz/decorators.js';
import { Role } from '../authz/role.js';
import { User } from '../users/user.entity.js';
import { Transport } from '../authz/transport.js';

/** Why a session ended early; kept for the user's device list and the audit trail. */
export enum RevokeReason {
  LOGOUT = 'LOGOUT',
  LOGOUT_ALL = 'LOGOUT_ALL',
  REVOKED = 'REVOKED',
  ADMIN_REVOKED = 'ADMIN_REVOKED',
  PASSWORD_CHANGED = 'PASSWORD_CHANGED',
  REFRESH_TOKEN_REUSED = 'REFRESH_TOKEN_REUSED',
  REPLACED = 'REPLACED',
}

/**
 * One logged-in device, for both transports: the single source of truth for listing, revoking and expiring.
 * Readable by its user and by ADMIN only.
 */
@ObjectType('Session', { description: 'One logged-in device.' })
@Auth({ requires: [Role.ADMIN], owner: 'userId' })
@Entity({ tableName: 'sessions' })
@Index({ properties: ['user', 'revokedAt'] })
export class Session {
  [OptionalProps]?:
    | 'id'
    | 'createdAt'
    | 'lastSeenAt'
    | 'ip'
    | 'userAgent'
    | 'revokedAt'
    | 'revokedReason'
    | 'cookieIdHash'
    | 'userId'
    | 'expiresAt'
    | 'mfa';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Field(() => Transport)
  @Enum({ items: () => Transport, nativeEnumName: undefined })
  transport!: Transport;

  /** SHA-256 of the express-session id of a cookie session: the cookie value itself is never stored. */
  @Property({ type: 'text', nullable: true, unique: true, hidden: true })
  cookieIdHash: string | null = null;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  lastSeenAt: Date = new Date();

  /** The login (password proof) behind this session; refresh never moves it. Drives `@auth(fresh:)`. */
  @Property({ type: 'timestamptz' })
  authTime!: Date;

  /**
   * Established with two factors (password + TOTP or recovery code) or a passkey: what `@auth(mfa: true)` checks.
   * Fixed at login; a step-up with a second factor may set it, nothing clears it.
   */
  @Property({ type: 'boolean', default: false })
  mfa: boolean = false;

  /** Rolling: moved forward as the session is used. */
  @Property({ type: 'timestamptz' })
  idleExpiresAt!: Date;

  @Property({ type: 'timestamptz' })
  absoluteExpiresAt!: Date;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  ip: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  userAgent: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Enum({ items: () => RevokeReason, nullable: true })
  revokedReason: RevokeReason | null = null;

  /** The owner, for `@auth(owner: "userId")`. */
  get userId(): string {
    return this.user.id;
  }

  @Field(() => Date, {
    description: 'When the session ends if unused: the earlier of idle and absolute expiry.',
  })
  get expiresAt(): Date {
    return this.idleExpiresAt < this.absoluteExpiresAt ? this.idleExpiresAt : this.absoluteExpiresAt;
  }
}
