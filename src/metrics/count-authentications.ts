import type { Counter } from 'prom-client';
import type { Authenticate, Rejection } from '../auth/authenticate.js';

type Child = { inc(): void };

/**
 * Counts each identification in `gatehouse_authentications_total` without touching the identification path: the
 * label children are bound once here, so a request only increments (no label lookup, no allocation).
 * transport: bearer | cookie | none; outcome: success | refused | anonymous; reason: the bearer refusal code,
 * SESSION_INVALID for a cookie naming no live session (cleared), else none.
 */
export function countAuthentications(
  authenticate: Authenticate,
  counter: Counter<'transport' | 'outcome' | 'reason'>,
): Authenticate {
  const bearerRefused: Record<Rejection['reason'], Child> = {
    TOKEN_INVALID: counter.labels('bearer', 'refused', 'TOKEN_INVALID'),
    TOKEN_EXPIRED: counter.labels('bearer', 'refused', 'TOKEN_EXPIRED'),
    SESSION_REVOKED: counter.labels('bearer', 'refused', 'SESSION_REVOKED'),
    SESSION_EXPIRED: counter.labels('bearer', 'refused', 'SESSION_EXPIRED'),
  };
  const bearerSuccess = counter.labels('bearer', 'success', 'none');
  const cookieSuccess = counter.labels('cookie', 'success', 'none');
  const cookieRefused = counter.labels('cookie', 'refused', 'SESSION_INVALID');
  const anonymous = counter.labels('none', 'anonymous', 'none');

  // One `then` on the identification's own promise: no async wrapper, no second promise to await.
  return (headers, now) =>
    authenticate(headers, now).then((result) => {
      if (result.kind === 'rejected') bearerRefused[result.reason].inc();
      else if (result.kind === 'viewer')
        (headers.authorization !== undefined ? bearerSuccess : cookieSuccess).inc();
      else (result.cookie ? cookieRefused : anonymous).inc();
      return result;
    });
}
