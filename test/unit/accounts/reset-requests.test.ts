import type { AuditLog } from '../../../src/audit/audit-log.js';
import { RateLimited } from '../../../src/auth/rate-limits.js';
import type { Em } from '../../../src/db/types.js';
import type { Logger } from '../../../src/logger.js';
import type { LinkTokens } from '../../../src/accounts/link-tokens.js';
import { createPasswordResetRequests } from '../../../src/accounts/request-password-reset.js';
import type { MailOutbox, MailRequest } from '../../../src/mail/outbox.js';

// requestPasswordReset answers "in the same time whether or not the account exists" by design: the answer waits
// for nothing that depends on the account. The look-up runs after the answer; here it is held until the test
// lets it go, and the answer must already be there.
const META = { ip: '203.0.113.7', userAgent: null, requestId: 'req-1' };

function setup(options: { perAddress?: boolean; ipLimited?: boolean } = {}) {
  const lookups: { email: unknown; release: (user: unknown) => void }[] = [];
  let lookedUp: (() => void) | undefined;
  /** Resolves once `n` look-ups have started. */
  const started = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => (lookups.length >= n ? resolve() : (lookedUp = check));
      check();
    });
  const sent: MailRequest[] = [];
  const audited: unknown[] = [];
  const em = {
    findOne: (_entity: unknown, where: { email: unknown }) =>
      new Promise((resolve) => {
        lookups.push({ email: where.email, release: resolve });
        lookedUp?.();
      }),
    transactional: (work: (tx: unknown) => Promise<unknown>) => work(em),
  } as unknown as Em;
  const requests = createPasswordResetRequests({
    links: { issue: async () => 'T'.repeat(43) } as unknown as LinkTokens,
    outbox: { enqueue: (_em: Em, mail: MailRequest) => sent.push(mail) } as MailOutbox,
    appUrl: 'https://app.example.com',
    audit: { record: async (_em: Em, input: unknown) => void audited.push(input) } as unknown as AuditLog,
    limits: {
      beforeResetRequest: async () => {
        if (options.ipLimited) throw new RateLimited('reset-ip', 42);
        return options.perAddress ?? true;
      },
    },
    forkEm: () => em,
    logger: { error: () => undefined, warn: () => undefined } as unknown as Logger,
  });
  return { requests, lookups, sent, audited, started };
}

describe('password reset requests', () => {
  it('answer before the account is looked up, known or unknown alike', async () => {
    const { requests, lookups, sent, started } = setup();
    const known = await requests.request({} as Em, { email: 'Alice@Example.com', meta: META });
    const unknown = await requests.request({} as Em, { email: 'nobody@example.com', meta: META });
    expect(known).toEqual({ ok: true });
    expect(unknown).toEqual(known);
    // Both answered; the first look-up has not even been answered yet, the second not started (one at a time).
    expect(lookups.map((l) => l.email)).toEqual(['alice@example.com']);
    expect(sent).toEqual([]);

    lookups[0]!.release({ id: 'u1', email: 'alice@example.com' });
    await started(2);
    lookups[1]!.release(null);
    await requests.settled();
    expect(sent).toEqual([
      expect.objectContaining({ to: 'alice@example.com', template: 'reset-password', userId: 'u1' }),
    ]);
    expect(sent[0]!.params.link).toBe(`https://app.example.com/reset-password?token=${'T'.repeat(43)}`);
  });

  it('beyond the per-address limit: the same answer, and no look-up at all', async () => {
    const { requests, lookups } = setup({ perAddress: false });
    expect(await requests.request({} as Em, { email: 'alice@example.com', meta: META })).toEqual({
      ok: true,
    });
    await requests.settled();
    expect(lookups).toEqual([]);
  });

  it('beyond the per-IP limit: RATE_LIMITED (which says nothing of the address), audited', async () => {
    const { requests, audited } = setup({ ipLimited: true });
    const answer = await requests.request({} as Em, { email: 'alice@example.com', meta: META });
    expect(answer).toEqual({ ok: false, reason: 'RATE_LIMITED', retryAfterSec: 42 });
    expect(audited).toEqual([
      { type: 'RATE_LIMITED', userId: null, details: { limit: 'reset-ip', retryAfter: 42 } },
    ]);
  });

  it('an address that cannot be one is not looked up', async () => {
    const { requests, lookups } = setup();
    await requests.request({} as Em, { email: 'not an address', meta: META });
    await requests.settled();
    expect(lookups).toEqual([]);
  });
});
