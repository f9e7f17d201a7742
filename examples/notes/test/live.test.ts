import { gql } from '../../../test/support/client.js';
import { openLive, type LiveClient } from '../../../test/support/live.js';
import { useTestServer } from '../../../test/support/server.js';
import { loginBearer, makeAdmin, registerVerified, type BearerLogin } from '../../../test/support/users.js';
import { NOTE_CHANGED } from '../note-events.js';
import { notesModule } from '../module.js';

/*
 * `noteChanged` (DESIGN §6.5 after §6.3): a subscriber hears the changes of the notes they may read — their own,
 * every note as an ADMIN — decided again at every event, with the subscriber's roles as they are then.
 */

const ctx = useTestServer({ modules: [notesModule] });
const NOTE_CHANGED_SUB = 'subscription { noteChanged { type noteId title at } }';

async function subscriber(login: BearerLogin): Promise<LiveClient> {
  const socket = await openLive(ctx.server.url, { authorization: `Bearer ${login.accessToken}` });
  socket.subscribe('notes', NOTE_CHANGED_SUB);
  return socket;
}

async function create(user: BearerLogin, title: string): Promise<string> {
  const res = await gql<{ createNote: { id: string } }>(
    ctx.server.url,
    'mutation($t: String!) { createNote(title: $t, body: "text") { id } }',
    { t: title },
    { token: user.accessToken },
  );
  if (!res.body.data?.createNote) throw new Error(`createNote failed: ${JSON.stringify(res.body)}`);
  return res.body.data.createNote.id;
}

const event = (m: { payload?: { data?: Record<string, unknown> | null } }) => m.payload?.data?.noteChanged;

it("delivers a note's changes to its owner and to an ADMIN, and never to another user", async () => {
  const alice = await registerVerified(ctx.db, ctx.server.url);
  const bob = await registerVerified(ctx.db, ctx.server.url);
  const bossUser = await registerVerified(ctx.db, ctx.server.url);
  await makeAdmin(ctx.db, bossUser.userId);
  const boss = await loginBearer(ctx.server.url, bossUser.email);
  const [aliceSocket, bobSocket, bossSocket] = [
    await subscriber(alice),
    await subscriber(bob),
    await subscriber(boss),
  ];
  // Three subscriptions listen on this instance before anything is published.
  await ctx.server.app.live.events.pubSub.subscribed(NOTE_CHANGED, undefined, 3);

  const id = await create(alice, 'Groceries');
  for (const socket of [aliceSocket, bossSocket]) {
    expect(event(await socket.message('notes'))).toEqual({
      type: 'CREATED',
      noteId: id,
      title: 'Groceries',
      at: expect.any(String),
    });
  }
  await gql(
    ctx.server.url,
    'mutation($id: ID!) { updateNote(id: $id, title: "Food") { id } }',
    { id },
    {
      token: alice.accessToken,
    },
  );
  await gql(
    ctx.server.url,
    'mutation($id: ID!) { deleteNote(id: $id) }',
    { id },
    { token: alice.accessToken },
  );
  expect(event(await aliceSocket.message('notes', 1))).toMatchObject({ type: 'UPDATED', title: 'Food' });
  expect(event(await aliceSocket.message('notes', 2))).toMatchObject({
    type: 'DELETED',
    noteId: id,
    title: null,
  });

  // Bob's first event is his own note: none of Alice's three came before it.
  const bobsId = await create(bob, 'Mine');
  expect(event(await bobSocket.message('notes'))).toMatchObject({ type: 'CREATED', noteId: bobsId });
  expect(bobSocket.of('notes')).toHaveLength(1);
  for (const socket of [aliceSocket, bobSocket, bossSocket]) await socket.close();
});

it("stops an ex-ADMIN's stream of other users' notes at the next event", async () => {
  const alice = await registerVerified(ctx.db, ctx.server.url);
  const other = await registerVerified(ctx.db, ctx.server.url);
  await makeAdmin(ctx.db, other.userId);
  const otherAdmin = await loginBearer(ctx.server.url, other.email);
  const bossUser = await registerVerified(ctx.db, ctx.server.url);
  await makeAdmin(ctx.db, bossUser.userId);
  const boss = await loginBearer(ctx.server.url, bossUser.email);
  const socket = await subscriber(boss);
  await ctx.server.app.live.events.pubSub.subscribed(NOTE_CHANGED);
  const before = await create(alice, 'Seen by the admin');
  expect(event(await socket.message('notes'))).toMatchObject({ noteId: before });

  const res = await gql(
    ctx.server.url,
    'mutation($id: ID!) { setUserRoles(userId: $id, roles: [USER]) { roles } }',
    { id: boss.userId },
    { token: otherAdmin.accessToken },
  );
  expect(res.body.data).toEqual({ setUserRoles: { roles: ['USER'] } });
  await create(alice, 'Not for an ex-admin');
  const own = await create(boss, 'Their own');
  // The next event the ex-admin hears is their own note's: Alice's second one was filtered out.
  expect(event(await socket.message('notes', 1))).toMatchObject({ noteId: own });
  await socket.close();
});
