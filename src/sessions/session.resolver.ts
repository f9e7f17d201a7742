import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Auth } from '../authz/decorators.js';
import { Role } from '../authz/role.js';
import type { GraphQLContext } from '../graphql/context.js';
import { AuthReason, badUserInput, forbidden } from '../graphql/errors.js';
import { isUuid } from '../graphql/ids.js';
import { type EndSessionDeps, leaveSession, revokeSession, revokeUserSessions } from './end-session.js';
import { Session } from './session.entity.js';
import type { SessionService } from './session-service.js';

export interface SessionResolverDeps extends EndSessionDeps {
  readonly sessions: Pick<SessionService, 'listLive' | 'revoke' | 'revokeAllOfUser'>;
  readonly cookies: { end(res: GraphQLContext['res']): void };
}

/** The caller's devices, and ending them. */
@Resolver(() => Session)
export class SessionResolver {
  constructor(private readonly deps: SessionResolverDeps) {}

  @Auth()
  @Query(() => [Session], {
    nullable: 'itemsAndList',
    description: "The caller's live sessions (devices), most recently used first.",
  })
  mySessions(@Ctx() ctx: GraphQLContext): Promise<Session[]> {
    return this.deps.sessions.listLive(ctx.em, ctx.viewer!.userId);
  }

  @FieldResolver(() => Boolean, { description: 'Is this the session making the request?' })
  current(@Root() session: Session, @Ctx() ctx: GraphQLContext): boolean {
    return session.id === ctx.viewer?.sessionId;
  }

  @Auth()
  @Mutation(() => Boolean, {
    nullable: true,
    description: "Revokes one of your sessions (ADMIN: anyone's); false if already ended.",
  })
  async revokeSession(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    if (!isUuid(id)) throw badUserInput('No such session', 'id');
    const viewer = ctx.viewer!;
    const result = await revokeSession(this.deps, ctx.em, { viewer, sessionId: id, meta: ctx.meta });
    if (!result.ok) {
      throw result.reason === 'NOT_OWNER'
        ? forbidden(AuthReason.NOT_OWNER)
        : badUserInput('No such session', 'id');
    }
    if (id === viewer.sessionId) leaveSession(this.deps.cookies, ctx);
    return result.revoked;
  }

  @Auth({ requires: [Role.ADMIN] })
  @Mutation(() => Int, { nullable: true, description: 'Revokes every session of a user; returns how many.' })
  async revokeUserSessions(
    @Arg('userId', () => ID) userId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<number> {
    const by = ctx.viewer!.userId;
    const result = isUuid(userId)
      ? await revokeUserSessions(this.deps, ctx.em, { userId, by, meta: ctx.meta })
      : null;
    if (!result?.ok) throw badUserInput('No such user', 'userId');
    return result.count;
  }
}
