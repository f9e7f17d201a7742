import { CLAIM_SQL, LEASE_SEC } from '../../../src/mail/claim-due-mail.js';
import { SEND_TIMEOUT_MS } from '../../../src/mail/mail-transport.js';

// The shape the exactly-once guarantee rests on (the integration test proves it across two instances).
describe('the claim statement', () => {
  const sql = CLAIM_SQL.replace(/\s+/g, ' ');

  it('takes only pending, due, unleased rows, and skips rows another sender is claiming', () => {
    expect(sql).toContain(`where "status" = 'PENDING' and "due_at" <= ?`);
    expect(sql).toContain(`("leased_until" is null or "leased_until" < clock_timestamp())`);
    expect(sql).toMatch(/limit \? for update skip locked \)/);
  });

  it('leases what it takes on the database clock and counts the attempt in the same statement', () => {
    expect(sql).toMatch(
      /^update "mail_outbox" set "attempts" = "attempts" \+ 1, "leased_until" = clock_timestamp\(\)/,
    );
    expect(sql).toContain('returning "id"');
  });

  it('leases for far longer than one send may take', () => {
    expect(LEASE_SEC * 1000).toBeGreaterThanOrEqual(4 * SEND_TIMEOUT_MS);
  });
});
