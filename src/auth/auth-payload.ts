import { Field, ObjectType } from 'type-graphql';
import { Session } from '../sessions/session.entity.js';
import { User } from '../users/user.entity.js';

@ObjectType('AuthPayload', { description: 'The result of register, login and refresh.' })
export class AuthPayload {
  @Field(() => User)
  user!: User;

  @Field(() => Session)
  session!: Session;

  @Field(() => String, { nullable: true, description: 'BEARER only; null for COOKIE.' })
  accessToken!: string | null;

  @Field(() => Date, { nullable: true })
  accessTokenExpiresAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'BEARER only; null for COOKIE. Single use.' })
  refreshToken!: string | null;

  @Field(() => Date, { nullable: true })
  refreshTokenExpiresAt!: Date | null;
}
