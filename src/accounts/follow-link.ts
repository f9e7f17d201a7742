import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Em } from '../db/types.js';
import type { Invalidations } from '../sessions/invalidations.js';
import type { LinkPurpose } from './link-token.entity.js';
import type { LinkTokens, SpentLink } from './link-tokens.js';
import { DONE, INVALID_LINK, LinkRefused, type Done, type InvalidLink } from './outcomes.js';

/**
 * Follows a mailed link that changes its user: the owner is read first (the change is announced to every
 * instance's cache under the user's id), then the token is spent inside the transaction that applies the change,
 * so a token spent meanwhile by a concurrent request, a refusal (`LinkRefused`) or a unique-constraint clash rolls
 * everything back and answers one error, INVALID_LINK. `apply` returns how many rows it changed (0: nothing to
 * announce).
 */
export async function followLink(
  deps: {
    readonly links: Pick<LinkTokens, 'peek' | 'spend'>;
    readonly invalidations: Pick<Invalidations, 'run'>;
  },
  em: Em,
  link: { readonly token: string; readonly purpose: LinkPurpose },
  apply: (tx: Em, spent: SpentLink) => Promise<number>,
): Promise<Done | InvalidLink> {
  const userId = await deps.links.peek(em, link.token, link.purpose);
  if (!userId) return INVALID_LINK;
  try {
    await deps.invalidations.run(em, { kind: 'user', id: userId }, async (tx) => {
      const spent = await deps.links.spend(tx, link.token, link.purpose);
      if (spent?.userId !== userId) throw new LinkRefused();
      return apply(tx, spent);
    });
  } catch (error) {
    if (error instanceof LinkRefused || error instanceof UniqueConstraintViolationException)
      return INVALID_LINK;
    throw error;
  }
  return DONE;
}
