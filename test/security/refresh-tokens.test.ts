import { errorCode, errorReason, gql } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { registerBearer } from '../support/users.js';

const t = useTestServer();

interface Pair {
  accessToken: string;
  refreshToken: string;
  session: { id: string };
}

const REFRESH =
  'mutation($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken session { id } } }';

function refresh(token: string) {
  return gql<{ refresh: Pair }>(t.server.url, REFRESH, { t: token });
}

describe('refresh tokens — RFC 9700 §4.14 (rotation, reuse detection), OWASP ASVS V3.5', () => {
  it('are opaque, prefixed, 256-bit, and stored only as a SHA-256 hash', async () => {
    const login = await registerBearer(t.server.url);
    expect(login.refreshToken).toMatch(/^ghr_[A-Za-z0-9_-]{43}$/);
    const rows = await sql<{ token_hash: string }>(
      t.db,
      'select token_hash from refresh_tokens rt join sessions s on s.id = rt.session_id where s.id = $1',
      [login.sessionId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await sql(t.db, 'select * from refresh_tokens'))).not.toContain(
      login.refreshToken.slice(4),
    );
  });

  it('rotate: a refresh spends the token and returns a new pair for the same session', async () => {
    const login = await registerBearer(t.server.url);
    const res = await refresh(login.refreshToken);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const pair = res.body.data!.refresh;
    expect(pair.refreshToken).not.toBe(login.refreshToken);
    expect(pair.session.id).toBe(login.sessionId);
    const me = await gql<{ me: { id: string } }>(
      t.server.url,
      '{ me { id } }',
      {},
      { token: pair.accessToken },
    );
    expect(me.body.data?.me.id).toBe(login.userId);
    // The successor rotates in turn.
    const next = await refresh(pair.refreshToken);
    expect(next.body.data?.refresh.refreshToken).toBeDefined();
  });

  it('a replay within the grace gets the same successor (lost response, two tabs)', async () => {
    const login = await registerBearer(t.server.url);
    const first = (await refresh(login.refreshToken)).body.data!.refresh;
    t.server.clock.advance(5);
    try {
      const replay = (await refresh(login.refreshToken)).body.data!.refresh;
      expect(replay.refreshToken).toBe(first.refreshToken);
      const rows = await sql(t.db, 'select id from refresh_tokens where session_id = $1', [login.sessionId]);
      expect(rows).toHaveLength(2);
    } finally {
      t.server.clock.advance(-5);
    }
  });

  it('a replay after the grace is theft: the session is revoked, its access token dies, an audit event is written', async () => {
    const login = await registerBearer(t.server.url);
    const first = (await refresh(login.refreshToken)).body.data!.refresh;
    expect((await gql(t.server.url, '{ me { id } }', {}, { token: first.accessToken })).status).toBe(200);
    t.server.clock.advance(11);
    try {
      const replay = await refresh(login.refreshToken);
      expect(errorCode(replay)).toBe('UNAUTHENTICATED');
      expect(errorReason(replay)).toBe('REFRESH_TOKEN_REUSED');
      // The access token issued to the legitimate client (or the thief) dies on the next request.
      const after = await gql(t.server.url, '{ me { id } }', {}, { token: first.accessToken });
      expect(after.status).toBe(401);
      expect(errorReason(after)).toBe('SESSION_REVOKED');
      // So does the newest refresh token.
      expect(errorReason(await refresh(first.refreshToken))).toBe('SESSION_REVOKED');
      const session = await sql<{ revoked_reason: string }>(
        t.db,
        'select revoked_reason from sessions where id = $1',
        [login.sessionId],
      );
      expect(session[0]!.revoked_reason).toBe('REFRESH_TOKEN_REUSED');
      const audit = await sql(
        t.db,
        "select * from audit_events where type = 'REFRESH_TOKEN_REUSED' and session_id = $1",
        [login.sessionId],
      );
      expect(audit).toHaveLength(1);
    } finally {
      t.server.clock.advance(-11);
    }
  });

  it('50 concurrent refreshes of one token produce exactly one successor', async () => {
    const login = await registerBearer(t.server.url);
    const results = await Promise.all(Array.from({ length: 50 }, () => refresh(login.refreshToken)));
    const tokens = new Set(results.map((r) => r.body.data?.refresh.refreshToken));
    expect(results.every((r) => r.status === 200 && !r.body.errors)).toBe(true);
    expect(tokens.size).toBe(1);
    const rows = await sql(t.db, 'select id from refresh_tokens where session_id = $1', [login.sessionId]);
    expect(rows).toHaveLength(2);
  });

  it('rejects unknown and malformed tokens, and an access token', async () => {
    const login = await registerBearer(t.server.url);
    for (const token of ['ghr_' + 'A'.repeat(43), 'nonsense', '', login.accessToken]) {
      const res = await refresh(token);
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
      expect(errorReason(res)).toBe('TOKEN_INVALID');
    }
  });

  it('does not outlive the session: an idle-expired session cannot be refreshed', async () => {
    const login = await registerBearer(t.server.url);
    t.server.clock.advance(7 * 86400 + 1);
    try {
      expect(errorReason(await refresh(login.refreshToken))).toBe('SESSION_EXPIRED');
    } finally {
      t.server.clock.advance(-(7 * 86400 + 1));
    }
  });

  it('keeps the login time: refresh does not renew authTime', async () => {
    const login = await registerBearer(t.server.url);
    const before = await sql<{ auth_time: Date }>(t.db, 'select auth_time from sessions where id = $1', [
      login.sessionId,
    ]);
    t.server.clock.advance(60);
    try {
      await refresh(login.refreshToken);
      const after = await sql<{ auth_time: Date; last_seen_at: Date }>(
        t.db,
        'select auth_time, last_seen_at from sessions where id = $1',
        [login.sessionId],
      );
      expect(new Date(after[0]!.auth_time).getTime()).toBe(new Date(before[0]!.auth_time).getTime());
      expect(new Date(after[0]!.last_seen_at).getTime()).toBeGreaterThan(
        new Date(before[0]!.auth_time).getTime(),
      );
    } finally {
      t.server.clock.advance(-60);
    }
  });
});
