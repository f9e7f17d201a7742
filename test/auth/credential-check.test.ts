import { createCredentialCheck } from '../../src/auth/credentials.js';
import type { Em } from '../../src/db/types.js';
import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { PASSWORD, registerBearer, uniqueEmail } from '../support/users.js';

/*
 * Every login attempt costs one argon2 verification, whether or not the email belongs to an account: skipping it
 * for an unknown email answers tens of milliseconds sooner and tells an attacker which accounts exist. Timing is
 * noisy; counting the verifications (through the hasher handed to the check) is exact.
 */

const t = useTestServer();

/** The credential check on the test database, with a `verify` that records the hash of every verification. */
async function countingCheck() {
  const verified: string[] = [];
  const { passwords } = t.server.app;
  const check = await createCredentialCheck({
    passwords: {
      dummyHash: passwords.dummyHash,
      verify(hash, password) {
        verified.push(hash);
        return passwords.verify(hash, password);
      },
    },
  });
  const run = (email: string, password: string) =>
    check(t.server.app.db.orm.em.fork() as Em, email, password);
  return { run, verified };
}

/** `$argon2id$v=19$m=19456,t=2,p=1$`: the algorithm and cost part of a PHC string, without salt and hash. */
const costOf = (phc: string) => phc.split('$').slice(0, 4).join('$');

async function storedHash(userId: string): Promise<string> {
  const rows = await sql<{ password_hash: string }>(t.db, 'select password_hash from users where id = $1', [
    userId,
  ]);
  return rows[0]!.password_hash;
}

describe('the credential check pays for one argon2 verification per attempt', () => {
  it('an unknown email is verified once, against a hash as costly as a real one', async () => {
    const { userId } = await registerBearer(t.server.url);
    const { run, verified } = await countingCheck();
    expect(await run(uniqueEmail('nobody'), 'not anybody’s password')).toEqual({
      user: null,
      knownUserId: null,
    });
    expect(verified).toHaveLength(1);
    expect(costOf(verified[0]!)).toBe(costOf(await storedHash(userId)));
    expect(verified[0]).not.toBe(await storedHash(userId));
  });

  it('a wrong password and the right one are verified once each, against the account’s hash', async () => {
    const { userId, email } = await registerBearer(t.server.url);
    const { run, verified } = await countingCheck();
    const wrong = await run(email, 'not the password at all');
    expect(wrong).toEqual({ user: null, knownUserId: userId });
    const right = await run(email, PASSWORD);
    expect(right.user?.id).toBe(userId);
    expect(verified).toEqual([await storedHash(userId), await storedHash(userId)]);
  });
});
