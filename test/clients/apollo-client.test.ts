import { ApolloClient, ApolloLink, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { ErrorLink } from '@apollo/client/link/error';
import { CookieJar } from '../support/client.js';
import { useTestServer } from '../support/server.js';
import { PASSWORD, registerBearer } from '../support/users.js';

const t = useTestServer();

/**
 * Node has no browser cookie store: this fetch plays the browser's part for the cookie transport, sending what
 * the jar holds and storing every Set-Cookie (including the one that clears the cookie at logout).
 */
function fetchWithCookies(jar: CookieJar): typeof fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    const cookie = jar.header();
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(input, { ...init, headers });
    jar.store(res.headers);
    return res;
  };
}

/** An Apollo Client on the cookie transport, whose error link records every UNAUTHENTICATED it sees. */
function cookieClient() {
  const jar = new CookieJar();
  const unauthenticated: { operation: string; reason: unknown }[] = [];
  const errorLink = new ErrorLink(({ error, operation }) => {
    if (!CombinedGraphQLErrors.is(error)) return;
    for (const e of error.errors) {
      // In an app: clear the cache and route to the login screen.
      if (e.extensions?.code === 'UNAUTHENTICATED') {
        unauthenticated.push({ operation: operation.operationName ?? '', reason: e.extensions.reason });
      }
    }
  });
  const client = new ApolloClient({
    link: ApolloLink.from([errorLink, new HttpLink({ uri: t.server.url, fetch: fetchWithCookies(jar) })]),
    cache: new InMemoryCache(),
  });
  return { client, jar, unauthenticated };
}

const LOGIN = gql`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      user {
        id
        email
      }
      accessToken
      refreshToken
    }
  }
`;
const ME = gql`
  query Me {
    me {
      id
      email
      roles
    }
  }
`;
const MY_SESSIONS = gql`
  query MySessions {
    mySessions {
      id
      transport
      current
    }
  }
`;
const LOGOUT = gql`
  mutation Logout {
    logout
  }
`;

interface LoginData {
  login: { user: { id: string; email: string }; accessToken: string | null; refreshToken: string | null };
}
interface MeData {
  me: { id: string; email: string; roles: string[] } | null;
}
interface SessionsData {
  mySessions: { id: string; transport: string; current: boolean }[];
}

describe('Apollo Client on the cookie transport', () => {
  it('logs in with a mutation, then queries as that user; after logout the error link sees UNAUTHENTICATED', async () => {
    expect.assertions(10);
    const { email, userId } = await registerBearer(t.server.url);
    const { client, jar, unauthenticated } = cookieClient();

    const login = await client.mutate<LoginData>({
      mutation: LOGIN,
      variables: { email, password: PASSWORD },
    });
    expect(login.data?.login).toMatchObject({
      user: { id: userId, email },
      accessToken: null,
      refreshToken: null,
    });
    expect(jar.get('sid')).toBeDefined();

    const me = await client.query<MeData>({ query: ME, fetchPolicy: 'network-only' });
    expect(me.data?.me).toEqual({ __typename: 'User', id: userId, email, roles: ['USER'] });
    const sessions = await client.query<SessionsData>({ query: MY_SESSIONS, fetchPolicy: 'network-only' });
    expect(sessions.data?.mySessions).toContainEqual(
      expect.objectContaining({ transport: 'COOKIE', current: true }),
    );

    const logout = await client.mutate<{ logout: boolean }>({ mutation: LOGOUT });
    expect(logout.data?.logout).toBe(true);
    expect(jar.get('sid')).toBeUndefined(); // the server cleared it
    await client.clearStore();

    const after = client.query<SessionsData>({ query: MY_SESSIONS, fetchPolicy: 'network-only' });
    await expect(after).rejects.toBeInstanceOf(CombinedGraphQLErrors);
    await expect(after).rejects.toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(unauthenticated).toEqual([{ operation: 'MySessions', reason: 'LOGIN_REQUIRED' }]);

    const anonymous = await client.query<MeData>({ query: ME, fetchPolicy: 'network-only' });
    expect(anonymous.data?.me).toBeNull();
  });

  it('shows a wrong password to the error link as UNAUTHENTICATED with reason INVALID_CREDENTIALS', async () => {
    expect.assertions(3);
    const { email } = await registerBearer(t.server.url);
    const { client, jar, unauthenticated } = cookieClient();

    await expect(
      client.mutate<LoginData>({ mutation: LOGIN, variables: { email, password: 'wrong password, sorry' } }),
    ).rejects.toBeInstanceOf(CombinedGraphQLErrors);
    expect(unauthenticated).toEqual([{ operation: 'Login', reason: 'INVALID_CREDENTIALS' }]);
    expect(jar.get('sid')).toBeUndefined();
  });
});
