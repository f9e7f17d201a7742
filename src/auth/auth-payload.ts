import { Field, ObjectType } from 'type-graphql';
import { Session } from '../sessions/session.entity.js';
import { User } from '../users/user.entity.js';

@ObjectType('AuthPayload', { description: 'The result of register, login and refresh.' })
export class AuthPayload {
  // Nullable like every User and Session in the schema (DESIGN §3 v2): a denied field inside nulls that object only.
  @Field(() => User, { nullable: true })
  user!: User;

  @Field(() => Session, { nullable: true })
  session!: Session;

  @Field(() => String, { nullable: true, description: 'BEARER only; null for COOKIE.' })
  accessToken!: string | null;

  @Field(() => Date, { nullable: true })
  accessTokenExpiresAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'BEARER only; null for COOKIE. Single use.' })
  refreshToken!: string | null;

  @Field(() => Date, { nullable: true })
  refreshTokenExpiresAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'BEARER login only: proof that this client logged in before, to send back as login(deviceToken:). ' +
      'Browsers get it as an httpOnly cookie instead. It only exempts this client from the account lock-out ' +
      'that failures of unknown clients cause.',
  })
  deviceToken?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'REGISTRATION=verify-first register only: true, with user, session and tokens null. Nobody is logged in ' +
      'until the link mailed to the address is followed; the answer is the same whether or not the address ' +
      'already has an account.',
  })
  emailVerificationPending?: boolean | null;
}
