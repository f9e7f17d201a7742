import 'reflect-metadata';
import { execute, parse, type GraphQLSchema } from 'graphql';
import { AuditResolver } from '../../src/audit/audit.resolver.js';
import { AuthResolver, type AuthResolverDeps } from '../../src/auth/auth.resolver.js';
import { Role } from '../../src/authz/role.js';
import { Transport } from '../../src/authz/transport.js';
import type { Viewer } from '../../src/authz/viewer.js';
import { buildDeclaredSchema, resolverContainer } from '../../src/schema.js';
import { SessionResolver, type SessionResolverDeps } from '../../src/sessions/session.resolver.js';
import { UserResolver, type UserResolverDeps } from '../../src/users/user.resolver.js';

/*
 * No service locator: resolvers get their collaborators through their constructors, from the container the
 * composition root builds; the request context carries only the request. The schema printer and the authz report
 * still build the schema with no app at all.
 */

const USER_ID = '11111111-1111-4111-8111-111111111111';
const viewer: Viewer = {
  userId: USER_ID,
  sessionId: '33333333-3333-4333-8333-333333333333',
  roles: [Role.USER],
  transport: Transport.BEARER,
  authTime: new Date(),
  mfa: false,
  user: {
    id: USER_ID,
    email: 'alice@example.com',
    roles: [Role.USER],
    createdAt: new Date(),
    emailVerifiedAt: null,
  },
};
/** Exactly what the app's context holds; `em` is never reached by the fields run here. */
const context = () => ({
  em: {},
  viewer,
  meta: { ip: null, userAgent: null, requestId: 'r' },
  req: {},
  res: {},
});

const run = async (schema: GraphQLSchema, query: string) =>
  execute({ schema, document: parse(query), contextValue: context() });

describe('a schema built without the app (printing, the authz report)', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildDeclaredSchema();
  });

  it('runs a field that needs no collaborator', async () => {
    expect(await run(schema, '{ me { id } }')).toEqual({ data: { me: { id: USER_ID } } });
  });

  it('refuses a field that needs collaborators, naming what is missing, instead of running without them', async () => {
    const result = await run(schema, '{ mySessions { id } }');
    expect(result.errors?.[0]?.message).toMatch(/^SessionResolver has no sessions here/);
  });
});

describe('the app’s resolver container', () => {
  it('hands type-graphql the instances built with their collaborators', async () => {
    const listLive = jest.fn().mockResolvedValue([]);
    const sessions = { listLive } as unknown as SessionResolverDeps['sessions'];
    const container = resolverContainer([
      new UserResolver({} as UserResolverDeps),
      new SessionResolver({ sessions } as SessionResolverDeps),
      new AuthResolver({} as AuthResolverDeps),
      new AuditResolver(),
    ]);
    const schema = await buildDeclaredSchema([], { container });
    expect(await run(schema, '{ mySessions { id } }')).toEqual({ data: { mySessions: [] } });
    expect(listLive).toHaveBeenCalledWith({}, USER_ID);
  });

  it('refuses, by name, a resolver the composition root did not build', async () => {
    const container = resolverContainer([new UserResolver({} as UserResolverDeps)]);
    const schema = await buildDeclaredSchema([], { container });
    const result = await run(schema, '{ mySessions { id } }');
    expect(result.errors?.[0]?.message).toBe('No SessionResolver was built for this schema');
  });
});
