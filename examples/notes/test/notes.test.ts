import { errorCode, gql } from '../../../test/support/client.js';
import { sql } from '../../../test/support/database.js';
import { useTestServer } from '../../../test/support/server.js';
import { makeAdmin, registerVerified, type BearerLogin } from '../../../test/support/users.js';
import { notesModule } from '../module.js';

const ctx = useTestServer({ modules: [notesModule] });

const NOTE = 'id title body createdAt updatedAt owner { id email }';
const CREATE = `mutation($title: String!, $body: String!) { createNote(title: $title, body: $body) { ${NOTE} } }`;

interface NoteData {
  id: string;
  title: string;
  body: string;
  owner: { id: string; email: string } | null;
}

async function create(user: BearerLogin, title: string, body = 'text'): Promise<NoteData> {
  const res = await gql<{ createNote: NoteData }>(
    ctx.server.url,
    CREATE,
    { title, body },
    { token: user.accessToken },
  );
  if (!res.body.data?.createNote) throw new Error(`createNote failed: ${JSON.stringify(res.body)}`);
  return res.body.data.createNote;
}

describe('notes module: create, read, owner rules', () => {
  test('a user creates a note and reads it back with its owner', async () => {
    const alice = await registerVerified(ctx.db, ctx.server.url);
    const note = await create(alice, 'Groceries', 'milk');
    expect(note).toMatchObject({
      title: 'Groceries',
      body: 'milk',
      owner: { id: alice.userId, email: alice.email },
    });
    const res = await gql<{ note: NoteData }>(
      ctx.server.url,
      `query($id: ID!) { note(id: $id) { ${NOTE} } }`,
      {
        id: note.id,
      },
      { token: alice.accessToken },
    );
    expect(res.body.data?.note).toMatchObject({ id: note.id, title: 'Groceries' });
  });

  test('anonymous callers get UNAUTHENTICATED on every notes field', async () => {
    expect.assertions(3);
    for (const query of [
      '{ myNotes { edges { cursor } } }',
      `{ note(id: "${crypto.randomUUID()}") { id } }`,
    ]) {
      expect(errorCode(await gql(ctx.server.url, query))).toBe('UNAUTHENTICATED');
    }
    expect(errorCode(await gql(ctx.server.url, CREATE, { title: 't', body: 'b' }))).toBe('UNAUTHENTICATED');
  });

  test("another user's note is FORBIDDEN (NOT_OWNER), audited; an ADMIN may read it", async () => {
    const alice = await registerVerified(ctx.db, ctx.server.url);
    const bob = await registerVerified(ctx.db, ctx.server.url);
    const note = await create(alice, 'private');
    const query = `query($id: ID!) { note(id: $id) { id title } }`;
    const denied = await gql<{ note: NoteData | null }>(
      ctx.server.url,
      query,
      { id: note.id },
      { token: bob.accessToken },
    );
    expect(denied.body.data?.note).toBeNull();
    expect(denied.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_OWNER' });
    await ctx.server.app.audit.settled();
    const rows = await sql(
      ctx.db,
      `select 1 from audit_events where user_id = $1 and details->>'field' = 'Note.id'`,
      [bob.userId],
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);

    const admin = await registerVerified(ctx.db, ctx.server.url);
    await makeAdmin(ctx.db, admin.userId);
    const allowed = await gql<{ note: NoteData }>(
      ctx.server.url,
      query,
      { id: note.id },
      { token: admin.accessToken },
    );
    expect(allowed.body.data?.note).toMatchObject({ id: note.id, title: 'private' });
  });

  test('a note that does not exist is null; a malformed id too', async () => {
    const alice = await registerVerified(ctx.db, ctx.server.url);
    for (const id of [crypto.randomUUID(), 'not-a-uuid']) {
      const res = await gql(
        ctx.server.url,
        `query($id: ID!) { note(id: $id) { id } }`,
        { id },
        { token: alice.accessToken },
      );
      expect(res.body).toEqual({ data: { note: null } });
    }
  });

  test('updateNote: the owner only, not even an ADMIN', async () => {
    expect.assertions(4);
    const alice = await registerVerified(ctx.db, ctx.server.url);
    const admin = await registerVerified(ctx.db, ctx.server.url);
    await makeAdmin(ctx.db, admin.userId);
    const note = await create(alice, 'draft');
    const update = `mutation($id: ID!, $title: String) { updateNote(id: $id, title: $title) { id title body } }`;
    const byAdmin = await gql(
      ctx.server.url,
      update,
      { id: note.id, title: 'hijacked' },
      { token: admin.accessToken },
    );
    expect(byAdmin.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_OWNER' });
    // Decided inside the use case (it needs the row), and audited all the same.
    await ctx.server.app.audit.settled();
    const audited = await sql(
      ctx.db,
      `select 1 from audit_events where user_id = $1 and type = 'AUTHZ_DENIED' and details->>'field' = 'Mutation.updateNote'`,
      [admin.userId],
    );
    expect(audited).toHaveLength(1);
    const byOwner = await gql<{ updateNote: NoteData }>(
      ctx.server.url,
      update,
      { id: note.id, title: 'final' },
      {
        token: alice.accessToken,
      },
    );
    expect(byOwner.body.data?.updateNote).toMatchObject({ title: 'final', body: 'text' });
    const missing = await gql(
      ctx.server.url,
      update,
      { id: crypto.randomUUID(), title: 'x' },
      { token: alice.accessToken },
    );
    expect(errorCode(missing)).toBe('BAD_USER_INPUT');
  });

  test('deleteNote: the owner or an ADMIN; anyone else is FORBIDDEN and the note stays', async () => {
    expect.assertions(4);
    const alice = await registerVerified(ctx.db, ctx.server.url);
    const bob = await registerVerified(ctx.db, ctx.server.url);
    const admin = await registerVerified(ctx.db, ctx.server.url);
    await makeAdmin(ctx.db, admin.userId);
    const del = `mutation($id: ID!) { deleteNote(id: $id) }`;
    const first = await create(alice, 'one');
    const second = await create(alice, 'two');
    expect(errorCode(await gql(ctx.server.url, del, { id: first.id }, { token: bob.accessToken }))).toBe(
      'FORBIDDEN',
    );
    expect(
      (await gql(ctx.server.url, del, { id: first.id }, { token: alice.accessToken })).body.data,
    ).toEqual({
      deleteNote: true,
    });
    expect(
      (await gql(ctx.server.url, del, { id: second.id }, { token: admin.accessToken })).body.data,
    ).toEqual({
      deleteNote: true,
    });
    expect(await sql(ctx.db, 'select id from notes where owner_id = $1', [alice.userId])).toEqual([]);
  });

  test('input limits: title 1..200, body up to 20 000 characters, else BAD_USER_INPUT (never 500)', async () => {
    const alice = await registerVerified(ctx.db, ctx.server.url);
    await expect(create(alice, 't'.repeat(200), 'b'.repeat(20_000))).resolves.toMatchObject({
      title: 't'.repeat(200),
    });
    // Characters, not UTF-16 units: 200 emoji are a valid title.
    await expect(create(alice, '😀'.repeat(200))).resolves.toBeTruthy();
    const cases = [
      { title: 't'.repeat(201), body: '', field: 'title' },
      { title: '   ', body: '', field: 'title' },
      { title: 't', body: 'b'.repeat(20_001), field: 'body' },
    ];
    for (const { title, body, field } of cases) {
      const res = await gql(ctx.server.url, CREATE, { title, body }, { token: alice.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const note = await create(alice, 'ok');
    const update = `mutation($id: ID!, $body: String) { updateNote(id: $id, body: $body) { id } }`;
    const res = await gql(
      ctx.server.url,
      update,
      { id: note.id, body: 'b'.repeat(20_001) },
      { token: alice.accessToken },
    );
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });
  });
});
