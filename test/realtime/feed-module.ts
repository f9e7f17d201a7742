import { Arg, Ctx, Int, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import { Auth, Public } from '../../src/authz/decorators.js';
import { Role } from '../../src/authz/role.js';
import type { GraphQLContext } from '../../src/graphql/context.js';
import type { GatehouseModule, ModuleDeps } from '../../src/module.js';

/**
 * A test module with subscriptions of every kind of policy: `adminFeed` (ADMIN only) and `publicFeed` (anyone),
 * and mutations that publish to them through the live channel, as a module would.
 */
@Resolver()
class FeedResolver {
  constructor(private readonly deps: ModuleDeps) {}

  @Auth({ requires: [Role.ADMIN] })
  @Subscription(() => String, { nullable: true, topics: 'ADMIN_FEED' })
  adminFeed(@Root() event: { text: string }): string {
    return event.text;
  }

  @Public()
  @Subscription(() => String, { nullable: true, topics: 'PUBLIC_FEED' })
  publicFeed(@Root() event: { text: string }): string {
    return event.text;
  }

  @Auth()
  @Mutation(() => Boolean, { nullable: true })
  async postFeed(
    @Arg('topic') topic: string,
    @Arg('text') text: string,
    @Ctx() ctx: GraphQLContext,
    @Arg('times', () => Int, { defaultValue: 1 }) times: number,
  ): Promise<boolean> {
    for (let i = 0; i < times; i++) await this.deps.live!.publish(ctx.em, { topic, payload: { text, i } });
    return true;
  }
}

export const feedModule: GatehouseModule = {
  name: 'feed',
  resolvers: [FeedResolver],
  entities: [],
  migrations: [],
};

export const POST_FEED = 'mutation($topic: String!, $text: String!) { postFeed(topic: $topic, text: $text) }';
export const POST_FEED_MANY =
  'mutation($topic: String!, $text: String!, $times: Int!) { postFeed(topic: $topic, text: $text, times: $times) }';
