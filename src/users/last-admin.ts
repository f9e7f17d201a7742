import type { Em } from '../db/types.js';
import { Role } from '../authz/role.js';
import { User } from './user.entity.js';

/**
 * One transaction-scoped advisory lock for every change that can take an ADMIN away (demotion, disabling,
 * deletion). Counting the other ADMINs without it races: two ADMINs demoting each other at once each see the
 * other, and both commit. Under the lock the second one counts after the first has committed.
 */
const ADMINS_LOCK_KEY = 0x6761_7465; // "gate"

/**
 * True when taking `userId`'s ADMIN rights away (in the transaction `tx`) would leave no enabled ADMIN. Takes the
 * lock first; it is held until `tx` ends, so the caller's change commits before another such check can count.
 */
export async function wouldRemoveLastAdmin(tx: Em, userId: string): Promise<boolean> {
  await tx.execute('select pg_advisory_xact_lock(?)', [ADMINS_LOCK_KEY]);
  const activeAdmin = { roles: { $contains: [Role.ADMIN] }, disabledAt: null };
  if ((await tx.count(User, { id: userId, ...activeAdmin })) === 0) return false;
  return (await tx.count(User, { id: { $ne: userId }, ...activeAdmin })) === 0;
}
