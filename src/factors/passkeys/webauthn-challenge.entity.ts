import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

export enum ChallengePurpose {
  REGISTER = 'REGISTER',
  AUTHENTICATE = 'AUTHENTICATE',
}

/**
 * A WebAuthn challenge handed out in options: stored (as a SHA-256 hash) in the database every instance shares,
 * so options from one instance verify on another; short-lived and spent by the first response that names it.
 */
@Entity({ tableName: 'webauthn_challenges' })
export class WebAuthnChallenge {
  [OptionalProps]?: 'id' | 'userId' | 'usedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  challengeHash!: string;

  @Enum({ items: () => ChallengePurpose, nativeEnumName: undefined })
  purpose!: ChallengePurpose;

  /** The user registering (REGISTER); null for a discoverable sign-in, where nobody is known yet. */
  @Property({ type: 'uuid', nullable: true })
  userId: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Index()
  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt: Date | null = null;
}
