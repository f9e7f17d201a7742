import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import type { Role } from '../authz/role.js';
import type { KeySet } from './key-set.js';
import { isStrictCompactJws, toLowS } from './strict-jws.js';

/** RFC 9068 media type of a JWT access token; a refresh token or an ID token can never pass for one. */
const ACCESS_TOKEN_TYP = 'at+jwt';
/** RFC 8725 §3.10: allow a little clock skew between issuer and verifier, no more. */
const CLOCK_TOLERANCE_SEC = 30;

/** The claims the checks below read; only `sid` and `sub` leave this module. */
interface AccessTokenClaims {
  readonly sub: string;
  readonly sid: string;
  readonly iat: number;
  readonly exp: number;
}

/**
 * A verified token names a session (and the user it must belong to): that is all the hot path needs, since roles
 * and liveness come from the session, never from the token.
 */
export type VerifyResult =
  | { readonly ok: true; readonly sessionId: string; readonly userId: string }
  | { readonly ok: false; readonly reason: 'TOKEN_EXPIRED' | 'TOKEN_INVALID' };

type Verified = Extract<VerifyResult, { ok: true }>;

export interface AccessTokens {
  issue(subject: {
    userId: string;
    sessionId: string;
    roles: readonly Role[];
  }): Promise<{ token: string; expiresAt: Date }>;
  /** `now` lets a caller read the clock once per request. */
  verify(token: string, now?: Date): Promise<VerifyResult>;
}

export interface AccessTokenOptions {
  readonly keys: KeySet;
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSec: number;
  readonly clock: Clock;
  /** How many verified tokens to remember (each until its `exp`); 0 turns the cache off. */
  readonly cacheSize?: number;
}

/** Issues and verifies access tokens: EdDSA/ES256 JWS with `typ: at+jwt`, pinned to the key's algorithm. */
export function createAccessTokens(options: AccessTokenOptions): AccessTokens {
  const { keys, issuer, audience, ttlSec, clock } = options;
  const algorithms = [...new Set([...keys.verifiers.values()].map((k) => k.alg))];
  // A signature check costs ~0.3 ms; a verified token is remembered until it expires. Only successes are cached,
  // and revocation is checked separately on every request, so the cache never lets a revoked session through.
  const verified = new LRUCache<string, { readonly result: Verified; readonly exp: number }>({
    max: Math.max(1, options.cacheSize ?? 10_000),
  });
  const cacheOn = (options.cacheSize ?? 10_000) > 0;

  const resolveKey = (header: JWTHeaderParameters) => {
    // Pin the algorithm to the key: the header only chooses among our keys, never how to verify.
    const entry = header.kid !== undefined ? keys.verifiers.get(header.kid) : undefined;
    if (!entry) throw new errors.JWKSNoMatchingKey();
    if (header.alg !== entry.alg) throw new errors.JOSEAlgNotAllowed('algorithm does not match the key');
    return entry.key;
  };

  return {
    async issue({ userId, sessionId, roles }) {
      const now = Math.floor(clock.now().getTime() / 1000);
      const exp = now + ttlSec;
      const signed = await new SignJWT({ sid: sessionId, roles: [...roles] })
        .setProtectedHeader({ alg: keys.active.alg, kid: keys.active.kid, typ: ACCESS_TOKEN_TYP })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(userId)
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .setJti(randomUUID())
        .sign(keys.active.key);
      // WebCrypto's ECDSA gives a high s half the time; the verifier accepts only the low-s form.
      const token = keys.active.alg === 'ES256' ? toLowS(signed) : signed;
      return { token, expiresAt: new Date(exp * 1000) };
    },

    async verify(token, now = clock.now()) {
      const nowSec = now.getTime() / 1000;
      const cached = cacheOn ? verified.get(token) : undefined;
      if (cached) {
        if (cached.exp + CLOCK_TOLERANCE_SEC > nowSec) return cached.result;
        verified.delete(token);
        return { ok: false, reason: 'TOKEN_EXPIRED' };
      }
      if (!isStrictCompactJws(token)) return { ok: false, reason: 'TOKEN_INVALID' };
      try {
        const { payload } = await jwtVerify(token, resolveKey, {
          algorithms,
          issuer,
          audience,
          typ: ACCESS_TOKEN_TYP,
          clockTolerance: CLOCK_TOLERANCE_SEC,
          currentDate: now,
          requiredClaims: ['sub', 'sid', 'iat', 'exp', 'jti'],
        });
        const claims = toClaims(payload);
        if (!claims || !plausibleLifetime(claims, nowSec, ttlSec))
          return { ok: false, reason: 'TOKEN_INVALID' };
        const result: Verified = { ok: true, sessionId: claims.sid, userId: claims.sub };
        if (cacheOn) verified.set(token, { result, exp: claims.exp });
        return result;
      } catch (error) {
        // By code, not instanceof: jose may be loaded twice (CJS and ESM) in one process.
        if ((error as { code?: string }).code === errors.JWTExpired.code)
          return { ok: false, reason: 'TOKEN_EXPIRED' };
        return { ok: false, reason: 'TOKEN_INVALID' };
      }
    },
  };
}

function toClaims(payload: JWTPayload): AccessTokenClaims | null {
  const { sub, sid, iat, exp } = payload as JWTPayload & { sid?: unknown };
  if (typeof sub !== 'string' || typeof sid !== 'string') return null;
  if (typeof iat !== 'number' || typeof exp !== 'number') return null;
  return { sub, sid, iat, exp };
}

/**
 * RFC 8725 §3.10 / RFC 9068 §4: a token issued in the future, or living longer than ACCESS_TOKEN_TTL, was not
 * issued by this configuration (a leaked key, or a clock gone wrong): refuse it rather than honour its `exp`.
 */
function plausibleLifetime(claims: AccessTokenClaims, nowSec: number, ttlSec: number): boolean {
  return (
    claims.iat <= nowSec + CLOCK_TOLERANCE_SEC && claims.exp - claims.iat <= ttlSec + CLOCK_TOLERANCE_SEC
  );
}
