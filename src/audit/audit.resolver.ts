import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { Auth } from '../authz/decorators.js';
import type { GraphQLContext } from '../graphql/context.js';
import { badUserInput } from '../graphql/errors.js';
import { Role } from '../authz/role.js';
import { isUuid } from '../graphql/ids.js';
import { AuditEvent } from './audit-event.entity.js';

const MAX_LIMIT = 200;

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Auth({ requires: [Role.ADMIN] })
  @Query(() => [AuditEvent], { nullable: true, description: 'Security events, newest first (at most 200).' })
  auditEvents(
    @Arg('userId', () => ID, { nullable: true }) userId: string | undefined,
    @Arg('limit', () => Int, { nullable: true, defaultValue: 50 }) limit: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AuditEvent[]> {
    if (limit < 1 || limit > MAX_LIMIT) throw badUserInput(`limit must be from 1 to ${MAX_LIMIT}`, 'limit');
    if (userId !== undefined && userId !== null && !isUuid(userId))
      throw badUserInput('No such user', 'userId');
    return ctx.em.find(AuditEvent, userId ? { userId } : {}, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit,
    });
  }
}
