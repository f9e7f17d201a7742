import { isNonNullType } from 'graphql';
import { Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Auth, Public } from '../../src/authz/decorators.js';
import { readPolicies } from '../../src/authz/enforce.js';
import { buildDeclaredSchema } from '../../src/schema.js';
import { Session } from '../../src/sessions/session.entity.js';
import { Role } from '../../src/authz/role.js';
import { User } from '../../src/users/user.entity.js';
import { useTestServer } from '../support/server.js';
import {
  createPrincipal,
  expectDenied,
  LENIENT_LIMITS,
  MISSING_ROLE,
  signIn,
  type Caller,
  type Principal,
} from './callers.js';

/*
 * DESIGN §3 v2: a denial never nulls the whole response. A denied field is null with its error; a non-null one
 * nulls its enclosing object, never more. So every guarded root field is nullable, every object that can be denied
 * is nullable where it is returned or listed, and the server refuses to start with a schema that breaks this.
 */

const t = useTestServer({ env: LENIENT_LIMITS });
let alice: Principal;
let asUser: Caller;

beforeAll(async () => {
  alice = await createPrincipal(t.server.url, t.db);
  asUser = await signIn(t.server.url, alice, 'BEARER');
});

describe('a denied root field next to others', () => {
  it('a USER asking for me and users gets me, and users: null with one FORBIDDEN', async () => {
    const res = await asUser.call('{ me { id } users { id } }');
    expectDenied(res, MISSING_ROLE, ['users']);
    expect(res.body.data).toEqual({ me: { id: alice.userId }, users: null });
  });

  it('a denied mutation leaves the next one in the document to run and answer', async () => {
    const other = await signIn(t.server.url, alice, 'BEARER');
    // Mutations run in order: under a non-null setUserRoles, its denial would have stopped revokeSession.
    const res = await asUser.call(
      `mutation($me: ID!, $other: ID!) {
        promote: setUserRoles(userId: $me, roles: [ADMIN]) { id }
        revoked: revokeSession(id: $other)
      }`,
      { me: alice.userId, other: other.sessionId },
    );
    expectDenied(res, MISSING_ROLE, ['promote']);
    expect(res.body.data).toEqual({ promote: null, revoked: true });
    expect((await other.call('{ me { id } }')).status).toBe(401);
  });
});

// Test-only resolvers, each breaking the rule one way.

@Resolver()
class NonNullGuardedQuery {
  @Auth()
  @Query(() => String)
  secret(): string {
    return 'a denial here would null the whole response';
  }
}

@Resolver()
class NonNullGuardedMutation {
  @Auth({ requires: [Role.ADMIN] })
  @Mutation(() => Boolean)
  dangerous(): boolean {
    return true;
  }
}

@ObjectType('Pair')
class Pair {
  @Field(() => User)
  user!: User;

  @Field(() => [Session])
  sessions!: Session[];

  @Field(() => ID)
  id!: string;
}

@Resolver()
class DeniableObjectsNonNull {
  @Public()
  @Query(() => [User])
  everyone(): User[] {
    return [];
  }

  @Auth()
  @Query(() => Pair, { nullable: true })
  pair(): Pair | null {
    return null;
  }
}

describe('the server refuses to start when a denial could climb past its object', () => {
  it('refuses a guarded Query field that is non-null, naming it and the type to write', async () => {
    await expect(buildDeclaredSchema([NonNullGuardedQuery])).rejects.toThrow(
      /A denial must null no more than the object it is in: Query\.secret: String! \(make it String\)/,
    );
  });

  it('refuses a guarded Mutation field likewise, and names every offender at once', async () => {
    await expect(buildDeclaredSchema([NonNullGuardedQuery, NonNullGuardedMutation])).rejects.toThrow(
      /Query\.secret: String! \(make it String\).*Mutation\.dangerous: Boolean! \(make it Boolean\)/,
    );
  });

  it('refuses a User or Session (objects with guarded non-null fields) returned or listed as non-null', async () => {
    expect.assertions(4);
    const refused = await buildDeclaredSchema([DeniableObjectsNonNull]).catch((error: Error) => error);
    const message = (refused as Error).message;
    expect(message).toMatch(/Query\.everyone: \[User!\]! \(make it \[User\]!\)/);
    expect(message).toMatch(/Pair\.user: User! \(make it User\)/);
    expect(message).toMatch(/Pair\.sessions: \[Session!\]! \(make it \[Session\]!\)/);
    // A non-null field that cannot be denied, in an object that cannot be denied, is fine as it is.
    expect(message).not.toMatch(/Pair\.id/);
  });

  it('starts with the real schema: every guarded root field is nullable, and so are listed Users and Sessions', async () => {
    const schema = await buildDeclaredSchema();
    const policies = readPolicies(schema);
    const roots = [schema.getQueryType()!, schema.getMutationType()!];
    const guarded = roots.flatMap((type) =>
      Object.values(type.getFields())
        .filter((field) => Array.isArray(policies.get(`${type.name}.${field.name}`)))
        .map((field) => ({ coordinate: `${type.name}.${field.name}`, nonNull: isNonNullType(field.type) })),
    );
    expect(guarded.length).toBeGreaterThan(8);
    expect(guarded.filter((field) => field.nonNull)).toEqual([]);
    const types = Object.fromEntries(
      ['Query.users', 'Query.mySessions', 'AuthPayload.user', 'AuthPayload.session'].map((coordinate) => {
        const [type, field] = coordinate.split('.') as [string, string];
        const object = schema.getType(type) as { getFields(): Record<string, { type: unknown }> };
        return [coordinate, String(object.getFields()[field]!.type)];
      }),
    );
    expect(types).toEqual({
      'Query.users': '[User]',
      'Query.mySessions': '[Session]',
      'AuthPayload.user': 'User',
      'AuthPayload.session': 'Session',
    });
  });
});
