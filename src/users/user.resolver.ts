import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AuditEventType } from '../audit/audit-event.entity.js';
import { Auth, Public } from '../authz/decorators.js';
import type { GraphQLContext } from '../graphql/context.js';
import { badUserInput } from '../graphql/errors.js';
import type { UserSnapshot } from '../sessions/session-state.js';
import { isUuid } from '../graphql/ids.js';
import { wouldRemoveLastAdmin } from './last-admin.js';
import { deleteUser, disableUser, enableUser, type LifecycleResult } from './user-lifecycle.js';
import { normalizeRoles, Role } from '../authz/role.js';
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
  @Query(() => [User], { nullable: 'itemsAndList' })
  users(@Ctx() ctx: GraphQLContext): Promise<User[]> {
    return ctx.em.find(User, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  @Auth({ requires: [Role.ADMIN] })
  @Query(() => User, { nullable: true })
  user(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<User | null> | null {
    return isUuid(id) ? ctx.em.findOne(User, id) : null;
  }

  @Auth({ requires: [Role.ADMIN], fresh: 900 })
  @Mutation(() => User, {
    nullable: true,
    description: "Replaces a user's roles; applies on their very next request.",
  })
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
      // Never leave the system without an administrator (serialized with every such change: last-admin.ts).
      if (!next.includes(Role.ADMIN) && (await wouldRemoveLastAdmin(tx, user.id)))
        throw badUserInput('Cannot remove the last ADMIN', 'roles');
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

  /** `me` answers from the session snapshot: a live session's user is never disabled (their sessions are refused). */
  @Auth({ requires: [Role.ADMIN], owner: 'id' })
  @FieldResolver(() => Boolean, { description: 'Only the user themself or an ADMIN.' })
  disabled(@Root() user: User | UserSnapshot): boolean {
    return user instanceof User && user.disabledAt !== null;
  }

  @Auth({ requires: [Role.ADMIN], fresh: 900 })
  @Mutation(() => User, {
    nullable: true,
    description:
      'Disables a user: no login, and every one of their sessions ends at once. Not the last ADMIN.',
  })
  async disableUser(@Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<User> {
    return lifecycleAnswer(await disableUser(ctx.services, ctx.em, checkedId(userId), actorOf(ctx)));
  }

  @Auth({ requires: [Role.ADMIN], fresh: 900 })
  @Mutation(() => User, { nullable: true, description: 'Lets a disabled user log in again.' })
  async enableUser(@Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<User> {
    return lifecycleAnswer(await enableUser(ctx.services, ctx.em, checkedId(userId), actorOf(ctx)));
  }

  @Auth({ requires: [Role.ADMIN], fresh: 900 })
  @Mutation(() => Boolean, {
    nullable: true,
    description: 'Deletes a user and their sessions, on every instance at once. Not the last ADMIN.',
  })
  async deleteUser(@Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return lifecycleAnswer(await deleteUser(ctx.services, ctx.em, checkedId(userId), actorOf(ctx)));
  }
}

function checkedId(userId: string): string {
  if (!isUuid(userId)) throw badUserInput('No such user', 'userId');
  return userId;
}

function actorOf(ctx: GraphQLContext) {
  return { userId: ctx.viewer!.userId, sessionId: ctx.viewer!.sessionId, meta: ctx.meta };
}

function lifecycleAnswer<T>(result: LifecycleResult<T>): T {
  if (result.ok) return result.value;
  throw result.reason === 'LAST_ADMIN'
    ? badUserInput('Cannot disable or delete the last ADMIN', 'userId')
    : badUserInput('No such user', 'userId');
}
