import { execute, parse, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { Viewer } from '../../src/authz/viewer.js';
import type { Denial } from '../../src/authz/decide.js';
import { Auth, Public } from '../../src/authz/decorators.js';
import { enforceAuthorization, readPolicies, type AuthzContext } from '../../src/authz/enforce.js';
import { buildDeclaredSchema } from '../../src/schema.js';
import { Session } from '../../src/sessions/session.entity.js';
import { Transport } from '../../src/authz/transport.js';
import { Role } from '../../src/authz/role.js';
import { User } from '../../src/users/user.entity.js';
import { TestClock } from '../support/clock.js';
import { LOGIN_REQUIRED, MISSING_ROLE, NOT_OWNER, WRONG_TRANSPORT, type Denied } from './callers.js';

const ALICE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';

// Test-only resolvers: the real schema has no root field without a directive, none with `via`, and no path by
// which a USER reaches another user's User or Session. These add them, to prove the rules hold when one appears.

@Resolver()
class UndecidedQueryResolver {
  @Query(() => String)
  thatField(): string {
    return 'nobody decided who may read this';
  }
}

@Resolver()
class UndecidedMutationResolver {
  @Mutation(() => Boolean)
  thatMutation(): boolean {
    return true;
  }
}

@Resolver()
class ContradictoryResolver {
  @Public()
  @Auth({ requires: [Role.ADMIN] })
  @Query(() => String)
  bothWays(): string {
    return 'which is it?';
  }
}

@ObjectType('Vault')
@Auth({ requires: [Role.ADMIN] })
class Vault {
  @Field(() => String)
  secret!: string;

  @Public()
  @Field(() => String)
  label!: string;

  @Auth({ fresh: 60 })
  @Field(() => String)
  freshSecret!: string;
}

const BOB_AS_USER = { id: BOB, email: 'bob@example.com', roles: [Role.USER], createdAt: new Date() };
const BOBS_SESSION_ID = '44444444-4444-4444-8444-444444444444';
/** A real Session instance, as the ORM returns them: `userId` and `expiresAt` are getters on the entity. */
function bobsSession(): Session {
  return Object.assign(new Session(), {
    id: BOBS_SESSION_ID,
    user: { id: BOB } as Session['user'],
    transport: Transport.BEARER,
    idleExpiresAt: new Date(),
    absoluteExpiresAt: new Date(),
    ip: '203.0.113.9',
    userAgent: 'bob-phone',
  });
}

@Resolver()
class ProbeResolver {
  @Auth({ via: [Transport.COOKIE] })
  @Query(() => String, { nullable: true })
  cookieOnly(): string {
    return 'cookie';
  }

  @Auth({ requires: [Role.ADMIN], via: [Transport.BEARER] })
  @Query(() => String, { nullable: true })
  bearerAdmin(): string {
    return 'bearer admin';
  }

  @Public()
  @Query(() => User, { nullable: true, description: 'A leak on purpose: another user, to anyone.' })
  someoneElse(): unknown {
    return BOB_AS_USER;
  }

  @Public()
  @Query(() => [Session], {
    nullable: 'items',
    description: 'A leak on purpose: another user’s sessions, to anyone.',
  })
  someoneElsesSessions(): Session[] {
    return [bobsSession()];
  }

  @Public()
  @Query(() => Vault, { nullable: true })
  vault(): Vault {
    return { secret: 's3cret', label: 'the vault', freshSecret: 'fresh s3cret' };
  }

  @Auth()
  @Query(() => ID, { nullable: true })
  whoAmI(@Ctx() ctx: AuthzContext): string {
    return ctx.viewer!.userId;
  }
}

function viewer(userId: string, roles: Role[], transport: Transport, authTime = new Date()): Viewer {
  return {
    userId,
    sessionId: '33333333-3333-4333-8333-333333333333',
    roles,
    transport,
    authTime,
    mfa: false,
    user: {
      id: userId,
      email: `${userId}@example.com`,
      roles,
      createdAt: new Date(),
      emailVerifiedAt: new Date(),
    },
  };
}

describe('the Auth decorator refuses policies that cannot mean what they say', () => {
  it.each([
    ['an empty via (SDL: no transport; dropped: both)', { via: [] }, /via must name a transport/],
    ['fresh of 0', { fresh: 0 }, /fresh must be > 0/],
    ['a fractional fresh', { fresh: 1.5 }, /fresh must be > 0/],
    ['an owner that is not a property name', { owner: 'user.id' }, /owner must be a property name/],
    [
      'an owner that would escape the SDL string',
      { owner: 'id") @public @auth(x: "' },
      /owner must be a property name/,
    ],
  ] as const)('%s', (_name, policy, message) => {
    expect(() => Auth(policy as never)).toThrow(message);
  });
});

describe('default deny', () => {
  it('refuses to build a schema whose Query field has neither @auth nor @public, naming it', async () => {
    await expect(buildDeclaredSchema([UndecidedQueryResolver])).rejects.toThrow(
      /Default deny: .*\bQuery\.thatField\b/,
    );
  });

  it('refuses a Mutation field likewise, and names every offender at once', async () => {
    const build = buildDeclaredSchema([UndecidedQueryResolver, UndecidedMutationResolver]);
    await expect(build).rejects.toThrow(/Query\.thatField, Mutation\.thatMutation/);
  });

  it('refuses a field carrying both @auth and @public (public would silently win)', async () => {
    await expect(buildDeclaredSchema([ContradictoryResolver])).rejects.toThrow(
      /both @auth and @public .*\bQuery\.bothWays\b/,
    );
  });

  it('builds the real schema, where every root field is decided', async () => {
    const schema = await buildDeclaredSchema();
    const policies = readPolicies(schema);
    const roots = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) =>
      Object.keys(type.getFields()).map((field) => `${type.name}.${field}`),
    );
    expect(roots.length).toBeGreaterThan(10);
    expect(roots.filter((coordinate) => !policies.has(coordinate))).toEqual([]);
  });
});

describe('enforcement on a schema with test-only fields (graphql execute, hand-made contexts)', () => {
  let schema: GraphQLSchema;
  const clock = new TestClock();
  const onDenied = jest.fn<void, [Denial, string, AuthzContext]>();

  beforeAll(async () => {
    schema = enforceAuthorization(await buildDeclaredSchema([ProbeResolver]), { clock, onDenied });
  });
  beforeEach(() => onDenied.mockClear());

  const run = (query: string, who: Viewer | null): Promise<ExecutionResult> =>
    Promise.resolve(execute({ schema, document: parse(query), contextValue: { viewer: who } }));

  function expectDeniedAt(result: ExecutionResult, denied: Denied, paths: string[]): void {
    const seen = (result.errors ?? []).map((e) => ({
      path: (e.path ?? []).join('.'),
      code: e.extensions.code,
      reason: e.extensions.reason,
    }));
    expect(seen).toEqual(paths.map((path) => ({ path, code: denied.code, reason: denied.reason })));
  }

  describe('via', () => {
    it('lets a cookie caller read a cookie-only field', async () => {
      const result = await run('{ cookieOnly }', viewer(ALICE, [Role.USER], Transport.COOKIE));
      expect(result).toEqual({ data: { cookieOnly: 'cookie' } });
    });

    it('refuses a bearer caller with FORBIDDEN / WRONG_TRANSPORT, and reports the denial', async () => {
      const caller = viewer(ALICE, [Role.USER], Transport.BEARER);
      const result = await run('{ cookieOnly }', caller);
      expectDeniedAt(result, WRONG_TRANSPORT, ['cookieOnly']);
      expect(onDenied).toHaveBeenCalledTimes(1);
      expect(onDenied).toHaveBeenCalledWith({ kind: 'WRONG_TRANSPORT' }, 'Query.cookieOnly', {
        viewer: caller,
      });
    });

    it('refuses an ADMIN on the wrong transport too (transport before roles)', async () => {
      const result = await run('{ bearerAdmin }', viewer(BOB, [Role.ADMIN, Role.USER], Transport.COOKIE));
      expectDeniedAt(result, WRONG_TRANSPORT, ['bearerAdmin']);
    });

    it('on the right transport still asks for the role', async () => {
      const asUser = await run('{ bearerAdmin }', viewer(ALICE, [Role.USER], Transport.BEARER));
      expectDeniedAt(asUser, MISSING_ROLE, ['bearerAdmin']);
      const asAdmin = await run('{ bearerAdmin }', viewer(BOB, [Role.ADMIN, Role.USER], Transport.BEARER));
      expect(asAdmin).toEqual({ data: { bearerAdmin: 'bearer admin' } });
    });

    it('an anonymous caller is UNAUTHENTICATED / LOGIN_REQUIRED and is not reported', async () => {
      const result = await run('{ cookieOnly }', null);
      expectDeniedAt(result, LOGIN_REQUIRED, ['cookieOnly']);
      expect(onDenied).not.toHaveBeenCalled();
    });
  });

  describe('owner (reached through a field that leaks another user’s objects)', () => {
    it('User.email of someone else: FORBIDDEN / NOT_OWNER for a USER, the rest of User stands', async () => {
      const result = await run(
        '{ someoneElse { id roles email } }',
        viewer(ALICE, [Role.USER], Transport.COOKIE),
      );
      expectDeniedAt(result, NOT_OWNER, ['someoneElse.email']);
      // email is non-null, so the User goes null: the denial cannot be read around.
      expect(result.data).toEqual({ someoneElse: null });
      expect(onDenied).toHaveBeenCalledWith({ kind: 'NOT_OWNER' }, 'User.email', expect.anything());
    });

    it('User.email: the owner and an ADMIN read it, an anonymous caller is LOGIN_REQUIRED', async () => {
      const asBob = await run('{ someoneElse { email } }', viewer(BOB, [Role.USER], Transport.BEARER));
      expect(asBob).toEqual({ data: { someoneElse: { email: 'bob@example.com' } } });
      const asAdmin = await run('{ someoneElse { email } }', viewer(ALICE, [Role.ADMIN], Transport.COOKIE));
      expect(asAdmin).toEqual({ data: { someoneElse: { email: 'bob@example.com' } } });
      expectDeniedAt(await run('{ someoneElse { email } }', null), LOGIN_REQUIRED, ['someoneElse.email']);
    });

    it('every field of another user’s Session is FORBIDDEN / NOT_OWNER for a USER (type-level @auth)', async () => {
      const alice = viewer(ALICE, [Role.USER], Transport.COOKIE);
      const nullable = await run('{ someoneElsesSessions { ip userAgent } }', alice);
      expectDeniedAt(nullable, NOT_OWNER, ['someoneElsesSessions.0.ip', 'someoneElsesSessions.0.userAgent']);
      expect(nullable.data).toEqual({ someoneElsesSessions: [{ ip: null, userAgent: null }] });
      // A non-null field that fails nulls the whole item (the list's items are nullable: that item only), and
      // graphql stops at the first: one query each.
      for (const field of ['id', 'transport', 'createdAt', 'lastSeenAt', 'expiresAt', 'current']) {
        const result = await run(`{ someoneElsesSessions { ${field} } }`, alice);
        expectDeniedAt(result, NOT_OWNER, [`someoneElsesSessions.0.${field}`]);
        expect(result.data).toEqual({ someoneElsesSessions: [null] });
      }
    });

    it('the Session’s owner and an ADMIN read every field', async () => {
      const query = '{ someoneElsesSessions { id ip userAgent current } }';
      for (const who of [
        viewer(BOB, [Role.USER], Transport.BEARER),
        viewer(ALICE, [Role.ADMIN, Role.USER], Transport.COOKIE),
      ]) {
        expect(await run(query, who)).toEqual({
          data: {
            someoneElsesSessions: [
              { id: BOBS_SESSION_ID, ip: '203.0.113.9', userAgent: 'bob-phone', current: false },
            ],
          },
        });
      }
    });
  });

  describe('a type-level @auth', () => {
    it('covers fields with the default resolver; @public on a field exempts it', async () => {
      const result = await run('{ vault { label secret } }', viewer(ALICE, [Role.USER], Transport.COOKIE));
      expectDeniedAt(result, MISSING_ROLE, ['vault.secret']);
      const asAdmin = await run('{ vault { label secret } }', viewer(BOB, [Role.ADMIN], Transport.COOKIE));
      expect(asAdmin).toEqual({ data: { vault: { label: 'the vault', secret: 's3cret' } } });
    });

    it('combines with a field-level @auth: both must pass', async () => {
      const longAgo = new Date(clock.now().getTime() - 61_000);
      const staleAdmin = viewer(BOB, [Role.ADMIN], Transport.COOKIE, longAgo);
      const stale = await run('{ vault { freshSecret } }', staleAdmin);
      expect(stale.errors?.map((e) => e.extensions)).toEqual([
        { code: 'REAUTHENTICATION_REQUIRED', maxAge: 60 },
      ]);
      const asUser = await run('{ vault { freshSecret } }', viewer(ALICE, [Role.USER], Transport.COOKIE));
      expectDeniedAt(asUser, MISSING_ROLE, ['vault.freshSecret']);
      const freshAdmin = await run('{ vault { freshSecret } }', viewer(BOB, [Role.ADMIN], Transport.COOKIE));
      expect(freshAdmin).toEqual({ data: { vault: { freshSecret: 'fresh s3cret' } } });
    });
  });

  it('an @auth root field passes the context through to its resolver', async () => {
    expect(await run('{ whoAmI }', viewer(ALICE, [Role.USER], Transport.BEARER))).toEqual({
      data: { whoAmI: ALICE },
    });
  });
});
