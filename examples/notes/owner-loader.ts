import DataLoader from 'dataloader';
import type { Em } from '../../src/db/types.js';
import { User } from '../../src/users/user.entity.js';

/**
 * Per request, one DataLoader of users by id: every `owner` asked for while a page of notes resolves becomes one
 * `where id in (…)` query instead of one query per note (N+1). Keyed by the request's EntityManager fork, so a
 * loader, like its cache, never outlives its request nor crosses to another caller.
 */
export function ownerLoaders(): (em: Em) => DataLoader<string, User | null> {
  const loaders = new WeakMap<Em, DataLoader<string, User | null>>();
  return (em) => {
    let loader = loaders.get(em);
    if (!loader) {
      loader = new DataLoader(async (ids: readonly string[]) => {
        const users = await em.find(User, { id: { $in: [...ids] } });
        const byId = new Map(users.map((user) => [user.id, user]));
        return ids.map((id) => byId.get(id) ?? null);
      });
      loaders.set(em, loader);
    }
    return loader;
  };
}
