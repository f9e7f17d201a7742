import { getIntrospectionQuery } from 'graphql';
import { errorCode, gql } from '../support/client.js';
import { productionEnv } from '../support/production-env.js';
import { startServer, useTestServer } from '../support/server.js';

const t = useTestServer();

async function refused(query: string) {
  const res = await gql(t.server.url, query);
  expect(res.status).toBe(400);
  expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(res.body.data).toBeUndefined();
  return res;
}

describe('query bombs — OWASP GraphQL cheat sheet: depth, amount, cost, aliases, directives, tokens', () => {
  it('answers an ordinary query (the control)', async () => {
    const res = await gql(t.server.url, '{ a: me { id } b: me { id } }');
    expect(res.status).toBe(200);
  });

  it('refuses a document deeper than GRAPHQL_MAX_DEPTH', async () => {
    const deep = `{ me { ${'... on User { '.repeat(12)}id${' }'.repeat(12)} } }`;
    await refused(deep);
  });

  it('refuses more aliases than GRAPHQL_MAX_ALIASES', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(' ');
    await refused(`{ ${aliases} }`);
  });

  it('refuses one mutation aliased many times (brute force in one request)', async () => {
    const logins = Array.from(
      { length: 16 },
      (_, i) => `l${i}: login(email: "a@b.co", password: "guess-${i}-password") { user { id } }`,
    );
    await refused(`mutation { ${logins.join(' ')} }`);
  });

  it('refuses more directives than GRAPHQL_MAX_DIRECTIVES', async () => {
    await refused(`{ me { id ${'@include(if: true) '.repeat(51)} } }`);
  });

  it('refuses more tokens than GRAPHQL_MAX_TOKENS before parsing it all', async () => {
    const res = await gql(t.server.url, `{ me { ${'id '.repeat(1200)} } }`);
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers the standard introspection query (graphql-js getIntrospectionQuery, as GraphiQL sends it)', async () => {
    const everything = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    const res = await gql<{ __schema: { types: unknown[] } }>(t.server.url, everything);
    expect(res.status).toBe(200);
    expect(res.body.data?.__schema.types.length).toBeGreaterThan(5);
  });

  it.each([
    ['__schema', `{ __schema { queryType { ${'ofType { '.repeat(20)}name${' }'.repeat(20)} } } }`],
    [
      'a fragment',
      `{ __schema { types { ...T } } } fragment T on __Type { ${'ofType { '.repeat(20)}name${' }'.repeat(20)} }`,
    ],
  ])(
    'refuses a 20-level ofType chain inside %s (depth limits apply to introspection too)',
    async (_where, q) => {
      const res = await refused(q);
      expect(res.body.errors?.[0]?.message).toMatch(/depth/i);
    },
  );

  it('refuses a document over GRAPHQL_MAX_COST', async () => {
    const wide = Array.from({ length: 14 }, (_, i) => `f${i}: users { id email roles createdAt }`).join(' ');
    const limited = await startServer(t.db, { env: { GRAPHQL_MAX_COST: '20' } });
    try {
      const res = await gql(limited.url, `{ ${wide} }`);
      expect(res.status).toBe(400);
      expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await limited.stop();
    }
  });
});

describe('production hides the schema — OWASP GraphQL cheat sheet: introspection and suggestions', () => {
  async function production(extra: Record<string, string> = {}) {
    return startServer(t.db, { env: { ...(await productionEnv()), ...extra } });
  }

  it('turns introspection off, and field suggestions off, in production', async () => {
    const prod = await production();
    try {
      const intro = await gql(prod.url, '{ __schema { types { name } } }');
      expect(errorCode(intro)).toBe('GRAPHQL_VALIDATION_FAILED');
      const typo = await gql(prod.url, '{ mee { id } }');
      expect(JSON.stringify(typo.body)).not.toMatch(/Did you mean/);
      // The landing page is off too: a browser visit gets no HTML.
      const page = await fetch(prod.url, {
        headers: { accept: 'text/html', 'apollo-require-preflight': 'true' },
      });
      expect(page.headers.get('content-type')).not.toMatch(/text\/html/);
    } finally {
      await prod.stop();
    }
    // The control: development suggests and introspects.
    expect(JSON.stringify((await gql(t.server.url, '{ mee { id } }')).body)).toMatch(/Did you mean/);
    expect((await gql(t.server.url, '{ __schema { queryType { name } } }')).status).toBe(200);
  });

  it('names nothing of the schema the client did not write in its error messages in production', async () => {
    const prod = await production();
    try {
      const probes: [string, string, Record<string, unknown>, RegExp][] = [
        // A misspelt field: no suggestion, and no "[Suggestion hidden]" marker (graphql-armor's) either.
        ['{ mee { id } }', 'GRAPHQL_VALIDATION_FAILED', {}, /Did you mean|Suggestion hidden|"me"|Query/],
        ['{ me { emial } }', 'GRAPHQL_VALIDATION_FAILED', {}, /Did you mean|Suggestion hidden|email|User/],
        // Missing arguments would list their names and types; a bare field would name its type.
        ['mutation { login { user { id } } }', 'GRAPHQL_VALIDATION_FAILED', {}, /password|email|String/],
        [
          'mutation { login(email: "a@b.co", password: "p") }',
          'GRAPHQL_VALIDATION_FAILED',
          {},
          /AuthPayload/,
        ],
        // A bad enum value in a variable would be answered with the values that exist.
        [
          'mutation($t: Transport!) { login(email: "a@b.co", password: "p", transport: $t) { user { id } } }',
          'BAD_USER_INPUT',
          { t: 'COOKIX' },
          /COOKIE|BEARER|Did you mean/,
        ],
      ];
      for (const [query, code, variables, leak] of probes) {
        const res = await gql(prod.url, query, variables);
        expect(res.status).toBe(400);
        expect(errorCode(res)).toBe(code);
        for (const error of res.body.errors ?? []) expect(error.message).not.toMatch(leak);
      }
    } finally {
      await prod.stop();
    }
    // The control: development, with introspection on, keeps the helpful messages.
    const dev = await gql(t.server.url, 'mutation { login { user { id } } }');
    expect(JSON.stringify(dev.body)).toMatch(/argument \\"password\\" of type \\"String!\\"/);
  });

  it('allows introspection in production only with GRAPHQL_INTROSPECTION=true', async () => {
    const prod = await production({ GRAPHQL_INTROSPECTION: 'true' });
    try {
      expect((await gql(prod.url, '{ __schema { queryType { name } } }')).status).toBe(200);
    } finally {
      await prod.stop();
    }
  });
});
