import { errorCode, gql } from '../support/client.js';
import { sql } from '../support/database.js';
import { startServer, useTestServer } from '../support/server.js';
import { registerBearer, uniqueEmail, PASSWORD } from '../support/users.js';

const t = useTestServer();

const ME = JSON.stringify({ query: '{ me { id } }' });

describe('HTTP input — OWASP ASVS V13 (API) and V14 (configuration)', () => {
  it('accepts a JSON POST (the control)', async () => {
    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: ME,
    });
    expect(res.status).toBe(200);
  });

  it.each(['PUT', 'DELETE', 'PATCH'])(
    'answers %s on /graphql with 405 and an Allow header',
    async (method) => {
      const res = await fetch(t.server.url, {
        method,
        headers: { 'content-type': 'application/json' },
        body: ME,
      });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toMatch(/GET/);
      expect(res.headers.get('allow')).toMatch(/POST/);
    },
  );

  it('refuses a mutation over GET (a link or image must never change state)', async () => {
    const url = `${t.server.url}?query=${encodeURIComponent('mutation { logout }')}`;
    const res = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(405);
  });

  it('refuses a simple (non-preflighted) request: Apollo csrfPrevention — OWASP CSRF cheat sheet', async () => {
    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: ME,
    });
    expect(res.status).toBe(400);
    const get = await fetch(`${t.server.url}?query=${encodeURIComponent('{ me { id } }')}`);
    expect(get.status).toBe(400);
    const preflighted = await fetch(`${t.server.url}?query=${encodeURIComponent('{ me { id } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(preflighted.status).toBe(200);
  });

  it('refuses a body over the limit with 413', async () => {
    const body = JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(101 * 1024) } });
    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(413);
  });

  it('refuses batched requests (one operation per HTTP request, so limits count every attempt)', async () => {
    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
    });
    expect(res.status).toBe(400);
  });

  it('marks GraphQL responses no-store, and sets helmet headers', async () => {
    const res = await gql(t.server.url, '{ me { id } }');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  /** Registers through `url` claiming to come from 203.0.113.7, and returns the address the audit log recorded. */
  async function auditedIp(url: string): Promise<string> {
    const email = uniqueEmail();
    await gql(
      url,
      'mutation($e: String!, $p: String!) { register(email: $e, password: $p) { user { id } } }',
      { e: email, p: PASSWORD },
      { headers: { 'x-forwarded-for': '203.0.113.7' } },
    );
    const rows = await sql<{ ip: string }>(
      t.db,
      'select e.ip from audit_events e join users u on u.id = e.user_id where u.email = $1',
      [email],
    );
    return rows[0]!.ip;
  }

  it('does not believe X-Forwarded-For by default (TRUST_PROXY off): the audited IP is the socket peer', async () => {
    expect(await auditedIp(t.server.url)).toBe('127.0.0.1');
  });

  it('believes X-Forwarded-For from a trusted proxy when TRUST_PROXY says so', async () => {
    const proxied = await startServer(t.db, { env: { TRUST_PROXY: 'loopback' } });
    try {
      expect(await auditedIp(proxied.url)).toBe('203.0.113.7');
    } finally {
      await proxied.stop();
    }
  });

  it('answers malformed ids with BAD_USER_INPUT, never a database error', async () => {
    const user = await registerBearer(t.server.url);
    const res = await gql(
      t.server.url,
      'mutation { revokeSession(id: "1; drop table users") }',
      {},
      { token: user.accessToken },
    );
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(res.body)).not.toMatch(/syntax|sql|select|uuid/i);
  });
});
