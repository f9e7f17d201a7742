import { AuditEventType } from '../../audit/audit-event.entity.js';
import type { AuditLog, RequestMeta } from '../../audit/audit-log.js';
import type { Em } from '../../db/types.js';
import { isUuid } from '../../graphql/ids.js';
import { SessionEventType, type SessionEventPublisher } from '../../sessions/session-events.js';
import { Passkey } from './passkey.entity.js';
import { passkeyName, type NameCheck } from './passkey-name.js';

/** The user's passkeys, newest first. */
export function listPasskeys(em: Em, userId: string): Promise<Passkey[]> {
  return em.find(Passkey, { user: userId }, { orderBy: { createdAt: 'desc', id: 'asc' } });
}

export type RenamePasskeyResult =
  | { readonly ok: true; readonly passkey: Passkey }
  | { readonly ok: false; readonly reason: 'NOT_FOUND' }
  | Extract<NameCheck, { ok: false }>;

/** Renames one of the user's passkeys (another user's is "not found": its existence is not told), audited. */
export async function renamePasskey(
  deps: { readonly audit: AuditLog },
  em: Em,
  input: {
    readonly userId: string;
    readonly passkeyId: string;
    readonly name: string;
    readonly meta: RequestMeta;
  },
): Promise<RenamePasskeyResult> {
  const name = passkeyName(input.name);
  if (!name.ok) return name;
  if (!isUuid(input.passkeyId)) return { ok: false, reason: 'NOT_FOUND' };
  return em.transactional(async (tx): Promise<RenamePasskeyResult> => {
    const passkey = await tx.findOne(Passkey, { id: input.passkeyId, user: input.userId });
    if (!passkey) return { ok: false, reason: 'NOT_FOUND' };
    passkey.name = name.value;
    await tx.flush();
    await deps.audit.record(
      tx as Em,
      { type: AuditEventType.PASSKEY_RENAMED, userId: input.userId, details: { passkeyId: passkey.id } },
      input.meta,
    );
    return { ok: true, passkey };
  });
}

/**
 * Removes one of the user's passkeys, audited in the same transaction, and told to their live sockets
 * (FACTOR_CHANGED, naming the acting session) at its commit; false when there was none of that id.
 */
export async function removePasskey(
  deps: { readonly audit: AuditLog; readonly sessionEvents: SessionEventPublisher },
  em: Em,
  input: {
    readonly userId: string;
    readonly sessionId: string;
    readonly passkeyId: string;
    readonly meta: RequestMeta;
  },
): Promise<boolean> {
  if (!isUuid(input.passkeyId)) return false;
  return em.transactional(async (tx) => {
    const removed = await tx.nativeDelete(Passkey, { id: input.passkeyId, user: input.userId });
    if (removed === 0) return false;
    await deps.audit.record(
      tx as Em,
      { type: AuditEventType.PASSKEY_REMOVED, userId: input.userId, details: { passkeyId: input.passkeyId } },
      input.meta,
    );
    await deps.sessionEvents.publish(tx as Em, input.userId, {
      type: SessionEventType.FACTOR_CHANGED,
      sessionId: input.sessionId,
    });
    return true;
  });
}
