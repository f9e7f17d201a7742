import { createAccessTokens, type AccessTokenOptions } from '../../../src/auth/access-tokens.js';
import { generateSigningJwk, loadKeySet, type KeySet } from '../../../src/auth/key-set.js';
import { Role } from '../../../src/authz/role.js';
import { TestClock } from '../../support/clock.js';

const TTL_SEC = 900;
const SUBJECT = {
  userId: '11111111-1111-4111-8111-111111111111',
  sessionId: '22222222-2222-4222-8222-222222222222',
  roles: [Role.USER, Role.ADMIN],
};

let keys: KeySet;
beforeAll(async () => {
  keys = await loadKeySet([await generateSigningJwk('EdDSA')]);
});

/** Access tokens on their own clock; `verifiers` is a copy the test may empty (a key withdrawn). */
function setUp(options: Partial<AccessTokenOptions> = {}) {
  const clock = new TestClock();
  const verifiers = new Map(keys.verifiers);
  const tokens = createAccessTokens({
    keys: { ...keys, verifiers },
    issuer: 'https://gatehouse.test',
    audience: 'gatehouse',
    ttlSec: TTL_SEC,
    clock,
    ...options,
  });
  return { clock, verifiers, tokens };
}

describe('access tokens', () => {
  it('verify to the session and the user they name, and nothing else (roles come from the session)', async () => {
    const { tokens } = setUp();
    const { token } = await tokens.issue(SUBJECT);
    expect(await tokens.verify(token)).toEqual({
      ok: true,
      sessionId: SUBJECT.sessionId,
      userId: SUBJECT.userId,
    });
  });

  it('expire by the injected clock: accepted until exp plus 30 s of skew, TOKEN_EXPIRED after', async () => {
    const { tokens, clock } = setUp({ cacheSize: 0 });
    const { token, expiresAt } = await tokens.issue(SUBJECT);
    expect(expiresAt.getTime() - clock.now().getTime()).toBeGreaterThan((TTL_SEC - 1) * 1000);
    // From exp itself (iat is whole seconds): the test clock runs on real time, so leave 2 s for a loaded machine.
    clock.advance((expiresAt.getTime() - clock.now().getTime()) / 1000 + 28);
    expect((await tokens.verify(token)).ok).toBe(true);
    clock.advance(3);
    expect(await tokens.verify(token)).toEqual({ ok: false, reason: 'TOKEN_EXPIRED' });
  });

  it('verify at the instant the caller passes (one clock read per request), else at the clock', async () => {
    const { tokens, clock } = setUp({ cacheSize: 0 });
    const { token } = await tokens.issue(SUBJECT);
    const later = new Date(clock.now().getTime() + (TTL_SEC + 31) * 1000);
    expect(await tokens.verify(token, later)).toEqual({ ok: false, reason: 'TOKEN_EXPIRED' });
    expect((await tokens.verify(token)).ok).toBe(true);
  });

  it('remember a verified token: its signature is checked once', async () => {
    const { tokens, verifiers } = setUp();
    const { token } = await tokens.issue(SUBJECT);
    expect((await tokens.verify(token)).ok).toBe(true);
    verifiers.clear(); // no key can verify anything now
    expect(await tokens.verify(token)).toEqual({
      ok: true,
      sessionId: SUBJECT.sessionId,
      userId: SUBJECT.userId,
    });
    const { token: another } = await tokens.issue(SUBJECT);
    expect(await tokens.verify(another)).toEqual({ ok: false, reason: 'TOKEN_INVALID' });
  });

  it('with the cache off (size 0), check every token every time', async () => {
    const { tokens, verifiers } = setUp({ cacheSize: 0 });
    const { token } = await tokens.issue(SUBJECT);
    expect((await tokens.verify(token)).ok).toBe(true);
    verifiers.clear();
    expect(await tokens.verify(token)).toEqual({ ok: false, reason: 'TOKEN_INVALID' });
  });

  it('a remembered token still expires by the clock', async () => {
    const { tokens, clock } = setUp();
    const { token } = await tokens.issue(SUBJECT);
    expect((await tokens.verify(token)).ok).toBe(true);
    clock.advance(TTL_SEC + 31);
    expect(await tokens.verify(token)).toEqual({ ok: false, reason: 'TOKEN_EXPIRED' });
    expect(await tokens.verify(token)).toEqual({ ok: false, reason: 'TOKEN_EXPIRED' });
  });

  it('do not remember a refusal: a token from the future is refused now, accepted once its time has come', async () => {
    const { tokens: issuer, clock } = setUp();
    const { token } = await issuer.issue(SUBJECT);
    const { tokens } = setUp();
    const early = new Date(clock.now().getTime() - 60_000); // the verifier's clock a minute behind
    expect(await tokens.verify(token, early)).toEqual({ ok: false, reason: 'TOKEN_INVALID' });
    expect((await tokens.verify(token)).ok).toBe(true);
  });

  it('refuse a token that lives longer than ACCESS_TOKEN_TTL (not issued by this configuration)', async () => {
    const { tokens: longLived } = setUp({ ttlSec: 3600 });
    const { token } = await longLived.issue(SUBJECT);
    expect(await setUp().tokens.verify(token)).toEqual({ ok: false, reason: 'TOKEN_INVALID' });
  });

  it('refuse a token for another audience or from another issuer', async () => {
    const { token: otherAudience } = await setUp({ audience: 'elsewhere' }).tokens.issue(SUBJECT);
    const { token: otherIssuer } = await setUp({ issuer: 'https://elsewhere.test' }).tokens.issue(SUBJECT);
    const { tokens } = setUp();
    for (const token of [otherAudience, otherIssuer, 'not.a.token', '']) {
      expect(await tokens.verify(token)).toEqual({ ok: false, reason: 'TOKEN_INVALID' });
    }
  });
});
