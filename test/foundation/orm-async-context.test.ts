import { RequestContext, TransactionContext } from '@mikro-orm/core';
import { IdleAsyncLocalStorage } from '../../src/db/orm-async-context.js';
import { gql } from '../support/client.js';
import { useTestServer } from '../support/server.js';
import { loginBearer, registerBearer } from '../support/users.js';

const enabled = (storage: object) => (storage as { enabled: boolean }).enabled;
/** MikroORM's storages: public at runtime, private in its types. */
const storageOf = (context: object) => (context as { storage: object }).storage;

// The app loads MikroORM with storages that turn themselves off between transactions (src/db/orm-async-context.ts):
// after a login, which runs transactions and flushes, no storage of MikroORM's keeps Node's async hook running for
// every later request.
describe("MikroORM's async context in the app", () => {
  const ctx = useTestServer();

  it('is made of idle storages, off again once the writes are done', async () => {
    expect(storageOf(TransactionContext)).toBeInstanceOf(IdleAsyncLocalStorage);
    expect(storageOf(RequestContext)).toBeInstanceOf(IdleAsyncLocalStorage);
    const user = await registerBearer(ctx.server.url);
    const again = await loginBearer(ctx.server.url, user.email);
    const sessions = await gql<{ mySessions: unknown[] }>(
      ctx.server.url,
      '{ mySessions { id } }',
      {},
      {
        token: again.accessToken,
      },
    );
    expect(sessions.body.data?.mySessions).toHaveLength(2);
    expect(enabled(storageOf(TransactionContext))).toBe(false);
    expect((storageOf(TransactionContext) as IdleAsyncLocalStorage<unknown>).active).toBe(false);
  });
});
