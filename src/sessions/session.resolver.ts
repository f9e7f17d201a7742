import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AuditEventType } from '../audit/audit-event.entity.js';
import { auditDenial } from '../audit/audit-denial.js';
import { Auth } from '../authz/decorators.js';
import type { GraphQLContext } from '../graphql/context.js';
import { AuthReason, badUserInput, forbidden } from '../graphql/errors.js';
import { isUuid } from '../graphql/ids.js';
import { hasAnyRole, Role } from '../authz/role.js';
import { User } from '../users/user.entity.js';
import { RevokeReason, Session } from './session.entity.js';
import { Transport } from '../authz/transport.js';

@Resolver(() => Session)
export class SessionResolver {
  @Auth()
  @Query(() => [Session], {
    nullable: 'itemsAndList',
    description: "The caller's live sessions (devices), most recently used first.",
  })
  mySessions(@Ctx() ctx: GraphQLContext): Promise<Session[]> {
    return ctx.services.sessions.listLive(ctx.em, ctx.viewer!.userId);
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
    const viewer = ctx.viewer!;
    if (!isUuid(id)) throw badUserInput('No such session', 'id');
    const session = await ctx.em.findOne(Session, id);
    const admin = hasAnyRole(viewer.roles, [Role.ADMIN]);
    if (!session && admin) throw badUserInput('No such session', 'id');
    // To anyone else, an unknown id and another user's session get the same answer: it must not say which
    // session ids exist. Only the real attempt on someone's session is audited.
    if (!session || (session.user.id !== viewer.userId && !admin)) {
      if (session) {
        auditDenial(
          { audit: ctx.services.audit, em: ctx.em.fork() },
          viewer,
          ctx.meta,
          'Mutation.revokeSession',
          'NOT_OWNER',
        );
      }
      throw forbidden(AuthReason.NOT_OWNER);
    }
    const own = session.user.id === viewer.userId;
    const revoked = await ctx.services.sessions.revoke(
      ctx.em,
      id,
      own ? RevokeReason.REVOKED : RevokeReason.ADMIN_REVOKED,
    );
    if (revoked) {
      await ctx.services.audit.record(
        ctx.em,
        {
          type: AuditEventType.SESSION_REVOKED,
          userId: session.user.id,
          sessionId: id,
          details: { by: viewer.userId },
        },
        ctx.meta,
      );
    }
    if (id === viewer.sessionId) {
      if (viewer.transport === Transport.COOKIE) ctx.services.cookies.end(ctx.res);
      ctx.viewer = null;
    }
    return revoked;
  }

  @Auth({ requires: [Role.ADMIN] })
  @Mutation(() => Int, { nullable: true, description: 'Revokes every session of a user; returns how many.' })
  async revokeUserSessions(
    @Arg('userId', () => ID) userId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<number> {
    if (!isUuid(userId) || !(await ctx.em.count(User, { id: userId })))
      throw badUserInput('No such user', 'userId');
    const count = await ctx.services.sessions.revokeAllOfUser(ctx.em, userId, RevokeReason.ADMIN_REVOKED);
    await ctx.services.audit.record(
      ctx.em,
      { type: AuditEventType.SESSION_REVOKED, userId, details: { all: true, count, by: ctx.viewer!.userId } },
      ctx.meta,
    );
    return count;
  }
}
