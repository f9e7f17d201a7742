import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { AuditEventType } from '../audit/audit-event.entity.js';
import { Auth, Public } from '../authz/decorators.js';
import type { GraphQLContext } from '../graphql/context.js';
import { badUserInput } from '../graphql/errors.js';
import type { UserSnapshot } from '../sessions/session-state.js';
import { isUuid } from '../graphql/ids.js';
import { normalizeRoles, Role } from './role.js';
import { User } from './user.entity.js';

@Resolver(() => User)
export class UserResolver {
  /** Answered from the session state: no database read. */
  @Public()
  @Query(() => User, { nullable: true, description: 'The caller, or null when anonymous.' })
  me(@Ctx() ctx: GraphQLContext): UserSnapshot | null {
    return ctx.viewer?.user ?? null;
  }

  @Auth({ requires: [Role.ADMIN] })
  @Query(() => [User])
  users(@Ctx() ctx: GraphQLContext): Promise<User[]> {
    return ctx.em.find(User, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  @Auth({ requires: [Role.ADMIN] })
  @Query(() => User, { nullable: true })
  user(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<User | null> | null {
    return isUuid(id) ? ctx.em.findOne(User, id) : null;
  }

  @Auth({ requires: [Role.ADMIN], fresh: 900 })
  @Mutation(() => User, { description: "Replaces a user's roles; applies on their very next request." })
  async setUserRoles(
    @Arg('userId', () => ID) userId: string,
    @Arg('roles', () => [Role]) roles: Role[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<User> {
    const next = normalizeRoles(roles);
    if (next.length === 0) throw badUserInput('A user needs at least one role', 'roles');
    const { em, services } = ctx;
    const user = isUuid(userId) ? await em.findOne(User, userId) : null;
    if (!user) throw badUserInput('No such user', 'userId');
    const before = [...user.roles];
    await services.sessions.invalidating(em, { kind: 'user', id: user.id }, async (tx) => {
      // Never leave the system without an administrator.
      if (before.includes(Role.ADMIN) && !next.includes(Role.ADMIN)) {
        const others = await tx.count(User, { id: { $ne: user.id }, roles: { $contains: [Role.ADMIN] } });
        if (others === 0) throw badUserInput('Cannot remove the last ADMIN', 'roles');
      }
      return tx.nativeUpdate(User, { id: user.id }, { roles: next, updatedAt: services.clock.now() });
    });
    user.roles = next;
    await services.audit.record(
      em,
      {
        type: AuditEventType.ROLES_CHANGED,
        userId: user.id,
        sessionId: ctx.viewer!.sessionId,
        details: { before, after: next, by: ctx.viewer!.userId },
      },
      ctx.meta,
    );
    return user;
  }
}
