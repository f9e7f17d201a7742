import { sql } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { createPrincipal, LENIENT_LIMITS, signIn, type Caller } from '../authz/callers.js';

/*
 * The last-ADMIN guard under concurrency. Each round starts with exactly two enabled ADMINs, each with a fresh
 * session, who at the same moment try to take each other's ADMIN rights away (demote, disable, delete, or a mix).
 * Counting "the other ADMINs" inside each transaction without serializing them lets both see the other and both
 * commit: no ADMIN left. At least one must always remain. (PostgreSQL shows the race; the embedded database runs
 * one transaction at a time on its single connection, so there this checks the answer, not the lock.)
 */

const t = useTestServer({ env: LENIENT_LIMITS });

const ROUNDS = 10;
const DEMOTE = 'mutation($id: ID!) { setUserRoles(userId: $id, roles: [USER]) { id } }';
const DISABLE = 'mutation($id: ID!) { disableUser(userId: $id) { id } }';
const DELETE = 'mutation($id: ID!) { deleteUser(userId: $id) }';

interface Admin {
  readonly userId: string;
  readonly caller: Caller;
}

async function twoAdmins(): Promise<[Admin, Admin]> {
  const pair = await Promise.all([
    createPrincipal(t.server.url, t.db, true),
    createPrincipal(t.server.url, t.db, true),
  ]);
  const callers = await Promise.all(pair.map((p) => signIn(t.server.url, p, 'BEARER')));
  return [
    { userId: pair[0].userId, caller: callers[0]! },
    { userId: pair[1].userId, caller: callers[1]! },
  ];
}

async function enabledAdmins(): Promise<number> {
  const [row] = await sql<{ n: number }>(
    t.db,
    `select count(*)::int as n from users where 'ADMIN' = any(roles) and disabled_at is null`,
  );
  return row!.n;
}

/** Removes this round's users, so the next round again has exactly two ADMINs. */
async function cleanUp(admins: Admin[]): Promise<void> {
  await sql(t.db, `delete from users where id = any($1::uuid[])`, [admins.map((a) => a.userId)]);
}

async function race(first: string, second: string): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const [x, y] = await twoAdmins();
    expect(await enabledAdmins()).toBe(2);
    await Promise.all([x.caller.call(first, { id: y.userId }), y.caller.call(second, { id: x.userId })]);
    expect(await enabledAdmins()).toBeGreaterThanOrEqual(1);
    await cleanUp([x, y]);
  }
}

describe('two ADMINs taking each other’s rights away at the same moment', () => {
  it('demoting each other leaves at least one ADMIN, every round', async () => {
    await race(DEMOTE, DEMOTE);
  });

  it('disabling and deleting each other leaves at least one enabled ADMIN, every round', async () => {
    await race(DISABLE, DELETE);
  });
});
