import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Auth, Public } from '../authz/decorators.js';
import { Role } from '../authz/role.js';
import type { GraphQLContext } from '../graphql/context.js';
import { badUserInput } from '../graphql/errors.js';
import { isUuid } from '../graphql/ids.js';
import type { UserSnapshot } from '../sessions/session-state.js';
import type { Actor, UserChangeResult } from './refusal.js';
import { setUserRoles, type SetUserRolesDeps } from './set-user-roles.js';
import { deleteUser, disableUser, enableUser, type UserLifecycleDeps } from './user-lifecycle.js';
import { User } from './user.entity.js';

export type UserResolverDeps = SetUserRolesDeps & UserLifecycleDeps;

/** The caller, and an ADMIN's view and changes of users. */
@Resolver(() => User)
export class UserResolver {
  constructor(private readonly deps: UserResolverDeps) {}

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
    const input = { userId: isUuid(userId) ? userId : null, roles, actor: actorOf(ctx) };
    const result = await setUserRoles(this.deps, ctx.em, input);
    if (result.ok) return result.value;
    if (result.reason === 'NO_ROLE') throw badUserInput('A user needs at least one role', 'roles');
    if (result.reason === 'LAST_ADMIN') throw badUserInput('Cannot remove the last ADMIN', 'roles');
    throw badUserInput('No such user', 'userId');
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
    return lifecycleAnswer(await disableUser(this.deps, ctx.em, checkedId(userId), actorOf(ctx)));
  }

  @Auth({ requires: [Role.ADMIN], fresh: 900 })
  @Mutation(() => User, { nullable: true, description: 'Lets a disabled user log in again.' })
  async enableUser(@Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<User> {
    return lifecycleAnswer(await enableUser(this.deps, ctx.em, checkedId(userId), actorOf(ctx)));
  }

  @Auth({ requires: [Role.ADMIN], fresh: 900 })
  @Mutation(() => Boolean, {
    nullable: true,
    description: 'Deletes a user and their sessions, on every instance at once. Not the last ADMIN.',
  })
  async deleteUser(@Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return lifecycleAnswer(await deleteUser(this.deps, ctx.em, checkedId(userId), actorOf(ctx)));
  }
}

function checkedId(userId: string): string {
  if (!isUuid(userId)) throw badUserInput('No such user', 'userId');
  return userId;
}

function actorOf(ctx: GraphQLContext): Actor {
  return { userId: ctx.viewer!.userId, sessionId: ctx.viewer!.sessionId, meta: ctx.meta };
}

function lifecycleAnswer<T>(result: UserChangeResult<T>): T {
  if (result.ok) return result.value;
  throw result.reason === 'LAST_ADMIN'
    ? badUserInput('Cannot disable or delete the last ADMIN', 'userId')
    : badUserInput('No such user', 'userId');
}
