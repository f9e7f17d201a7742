import { errorCode } from '../support/client.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { uniqueEmail } from '../support/users.js';
import { call, REQUEST_RESET } from './lifecycle-support.js';

// DESIGN §6.1: reset requests are limited per IP like the other limits: 429 RATE_LIMITED with Retry-After,
// audited; the refusal depends on the address only, never on whether an account exists.
const t = useTestServer({ env: { RATE_LIMIT_RESET_PER_IP: '2' } });

it('refuses a third reset request from one address with 429, whatever the email', async () => {
  expect.assertions(6);
  for (let i = 0; i < 2; i++) {
    expect((await call(t.server.url, REQUEST_RESET, { e: uniqueEmail() })).body).toEqual({
      data: { requestPasswordReset: true },
    });
  }
  const limited = await call(t.server.url, REQUEST_RESET, { e: uniqueEmail() });
  expect(limited.status).toBe(429);
  expect(errorCode(limited)).toBe('RATE_LIMITED');
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  const audit = await sql(t.db, "select details from audit_events where type = 'RATE_LIMITED'");
  expect(audit).toEqual([{ details: { limit: 'reset-ip', retryAfter: expect.any(Number) } }]);
});
