import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';

/** Every kind of security event Gatehouse records. */
export enum AuditEventType {
  REGISTERED = 'REGISTERED',
  LOGIN_SUCCEEDED = 'LOGIN_SUCCEEDED',
  LOGIN_FAILED = 'LOGIN_FAILED',
  LOGOUT = 'LOGOUT',
  TOKEN_REFRESHED = 'TOKEN_REFRESHED',
  REFRESH_TOKEN_REUSED = 'REFRESH_TOKEN_REUSED',
  SESSION_REVOKED = 'SESSION_REVOKED',
  PASSWORD_CHANGED = 'PASSWORD_CHANGED',
  ROLES_CHANGED = 'ROLES_CHANGED',
  AUTHZ_DENIED = 'AUTHZ_DENIED',
  RATE_LIMITED = 'RATE_LIMITED',
  USER_DISABLED = 'USER_DISABLED',
  USER_ENABLED = 'USER_ENABLED',
  USER_DELETED = 'USER_DELETED',
  // The account lifecycle (DESIGN §6.1).
  EMAIL_VERIFICATION_REQUESTED = 'EMAIL_VERIFICATION_REQUESTED',
  EMAIL_VERIFIED = 'EMAIL_VERIFIED',
  PASSWORD_RESET_REQUESTED = 'PASSWORD_RESET_REQUESTED',
  PASSWORD_RESET = 'PASSWORD_RESET',
  EMAIL_CHANGE_REQUESTED = 'EMAIL_CHANGE_REQUESTED',
  EMAIL_CHANGED = 'EMAIL_CHANGED',
  REGISTRATION_EMAIL_TAKEN = 'REGISTRATION_EMAIL_TAKEN',
  MAIL_FAILED = 'MAIL_FAILED',
  // Second factors and step-up (DESIGN §6.2).
  TOTP_ENROLLMENT_STARTED = 'TOTP_ENROLLMENT_STARTED',
  TOTP_ENABLED = 'TOTP_ENABLED',
  TOTP_DISABLED = 'TOTP_DISABLED',
  RECOVERY_CODES_REGENERATED = 'RECOVERY_CODES_REGENERATED',
  RECOVERY_CODE_USED = 'RECOVERY_CODE_USED',
  SECOND_FACTOR_FAILED = 'SECOND_FACTOR_FAILED',
  PASSKEY_REGISTERED = 'PASSKEY_REGISTERED',
  PASSKEY_RENAMED = 'PASSKEY_RENAMED',
  PASSKEY_REMOVED = 'PASSKEY_REMOVED',
  REAUTHENTICATED = 'REAUTHENTICATED',
  FACTORS_RESET = 'FACTORS_RESET',
}
registerEnumType(AuditEventType, { name: 'AuditEventType' });

/** One security event. Never holds a secret: ids, addresses and reasons only. */
@ObjectType('AuditEvent')
@Entity({ tableName: 'audit_events' })
@Index({ properties: ['userId', 'createdAt'] })
@Index({ properties: ['createdAt'] })
export class AuditEvent {
  [OptionalProps]?:
    'id' | 'createdAt' | 'userId' | 'sessionId' | 'ip' | 'userAgent' | 'details' | 'dedupeKey';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => AuditEventType)
  @Enum({ items: () => AuditEventType })
  type!: AuditEventType;

  /** Plain ids, no foreign keys: the trail outlives the users and sessions it mentions. */
  @Field(() => ID, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  userId: string | null = null;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  sessionId: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  ip: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  userAgent: string | null = null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Property({ type: 'json', nullable: true })
  details: Record<string, unknown> | null = null;

  /** Set for throttled events (AUTHZ_DENIED): a unique key per session, field and minute. */
  @Property({ type: 'text', nullable: true, unique: true, hidden: true })
  dedupeKey: string | null = null;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
