import { Writable } from 'node:stream';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { AuditEventType } from '../../../src/audit/audit-event.entity.js';
import type { Em } from '../../../src/db/types.js';
import { createLogger } from '../../../src/logger.js';
import { TestClock } from '../../support/clock.js';

const meta = { ip: '127.0.0.1', userAgent: 'unit', requestId: 'req-1' };
const denial = (sessionId: string) => ({
  type: AuditEventType.AUTHZ_DENIED,
  userId: 'user-1',
  sessionId,
  details: { field: 'Query.users', reason: 'MISSING_ROLE' },
});

/** An EntityManager stand-in for throttled inserts: each insert waits until the test lets it finish. */
function heldInserts() {
  const pending: { rows: unknown; finish: (error?: Error) => void }[] = [];
  const em = {
    createQueryBuilder: () => ({
      insert: (rows: unknown) => ({
        onConflict: () => ({
          ignore: () => ({
            execute: () =>
              new Promise<void>((resolve, reject) =>
                pending.push({ rows, finish: (error) => (error ? reject(error) : resolve()) }),
              ),
          }),
        }),
      }),
    }),
  } as unknown as Em;
  return { em, pending };
}

function auditLog() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { audit: createAuditLog({ clock: new TestClock(), logger: createLogger('info', sink) }), lines };
}

/** Resolves to whether `promise` has settled once everything already queued has run. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise<void>((resolve) => setImmediate(resolve));
  return settled;
}

describe('audit.settled()', () => {
  it('resolves at once when no throttled record is on its way', async () => {
    expect(await hasSettled(auditLog().audit.settled())).toBe(true);
  });

  it('waits for every throttled record started before it, then resolves', async () => {
    const { audit } = auditLog();
    const { em, pending } = heldInserts();
    void audit.recordThrottled(em, denial('s-1'), meta, 's-1:Query.users');
    void audit.recordThrottled(em, denial('s-2'), meta, 's-2:Query.users');
    const settled = audit.settled();
    expect(pending).toHaveLength(2);
    pending[0]!.finish();
    expect(await hasSettled(settled)).toBe(false);
    pending[1]!.finish();
    expect(await hasSettled(settled)).toBe(true);
  });

  it('also waits for a record started while it waits', async () => {
    const { audit } = auditLog();
    const { em, pending } = heldInserts();
    void audit.recordThrottled(em, denial('s-1'), meta, 's-1:Query.users');
    const settled = audit.settled();
    void audit.recordThrottled(em, denial('s-2'), meta, 's-2:Query.users');
    pending[0]!.finish();
    expect(await hasSettled(settled)).toBe(false);
    pending[1]!.finish();
    expect(await hasSettled(settled)).toBe(true);
  });

  it('resolves when a record fails: the failure is logged, never thrown at the waiter', async () => {
    const { audit, lines } = auditLog();
    const { em, pending } = heldInserts();
    void audit.recordThrottled(em, denial('s-1'), meta, 's-1:Query.users');
    const settled = audit.settled();
    pending[0]!.finish(new Error('the database is gone'));
    await expect(settled).resolves.toBeUndefined();
    expect(lines.join('')).toContain('could not record a throttled audit event');
  });

  it('does not wait for a record the throttle skipped (one per key and minute)', async () => {
    const { audit } = auditLog();
    const { em, pending } = heldInserts();
    void audit.recordThrottled(em, denial('s-1'), meta, 's-1:Query.users');
    pending[0]!.finish();
    await audit.settled();
    void audit.recordThrottled(em, denial('s-1'), meta, 's-1:Query.users');
    expect(pending).toHaveLength(1);
    expect(await hasSettled(audit.settled())).toBe(true);
  });
});
