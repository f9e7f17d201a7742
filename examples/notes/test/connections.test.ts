import { errorCode, gql, type GqlResponse } from '../../../test/support/client.js';
import { useTestServer } from '../../../test/support/server.js';
import { makeAdmin, registerVerified, type BearerLogin } from '../../../test/support/users.js';
import { notesModule } from '../module.js';

const ctx = useTestServer({ modules: [notesModule] });

const NOTE = 'id title body createdAt updatedAt owner { id email }';
const CREATE = `mutation($title: String!, $body: String!) { createNote(title: $title, body: $body) { ${NOTE} } }`;
const MY_NOTES = `query($first: Int, $after: String) {
  myNotes(first: $first, after: $after) { edges { cursor node { id title } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

interface NoteData {
  id: string;
  title: string;
  body: string;
  owner: { id: string; email: string } | null;
}
interface Page {
  edges: { cursor: string; node: { id: string; title: string } }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
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

function myNotes(
  user: BearerLogin,
  variables: Record<string, unknown>,
): Promise<GqlResponse<{ myNotes: Page }>> {
  return gql(ctx.server.url, MY_NOTES, variables, { token: user.accessToken });
}

describe('notes module: cursor connections', () => {
  test('pages newest first, without skipping or repeating, to the end', async () => {
    const alice = await registerVerified(ctx.db, ctx.server.url);
    const titles: string[] = [];
    for (let i = 0; i < 7; i++) titles.push((await create(alice, `n${i}`)).title);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: GqlResponse<{ myNotes: Page }> = await myNotes(alice, { first: 3, after });
      const page = res.body.data!.myNotes;
      seen.push(...page.edges.map((e) => e.node.title));
      expect(page.pageInfo.hasPreviousPage).toBe(false);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...titles].reverse());
  });

  test('myNotes lists only the caller’s notes; notesOf is for ADMINs', async () => {
    const alice = await registerVerified(ctx.db, ctx.server.url);
    const bob = await registerVerified(ctx.db, ctx.server.url);
    await create(alice, 'alice-only');
    await create(bob, 'bob-only');
    const mine = await myNotes(bob, {});
    expect(mine.body.data?.myNotes.edges.map((e) => e.node.title)).toEqual(['bob-only']);

    const of = `query($userId: ID!) { notesOf(userId: $userId) { edges { node { title owner { id } } } } }`;
    expect(
      errorCode(await gql(ctx.server.url, of, { userId: alice.userId }, { token: bob.accessToken })),
    ).toBe('FORBIDDEN');
    await makeAdmin(ctx.db, bob.userId);
    const res = await gql<{ notesOf: { edges: { node: { title: string; owner: { id: string } } }[] } }>(
      ctx.server.url,
      of,
      { userId: alice.userId },
      { token: bob.accessToken },
    );
    expect(res.body.data?.notesOf.edges).toEqual([
      { node: { title: 'alice-only', owner: { id: alice.userId } } },
    ]);
  });

  test('first is bounded to 1..100 and a bad cursor is BAD_USER_INPUT', async () => {
    const alice = await registerVerified(ctx.db, ctx.server.url);
    await create(alice, 'x');
    const tampered = Buffer.from(JSON.stringify(['yesterday', 'nope'])).toString('base64url');
    const bad = [
      { first: 0 },
      { first: 101 },
      { first: -1 },
      { after: 'garbage!' },
      { after: tampered },
      { after: '' },
    ];
    expect.assertions(bad.length + 1);
    for (const variables of bad) {
      expect(errorCode(await myNotes(alice, variables))).toBe('BAD_USER_INPUT');
    }
    expect((await myNotes(alice, { first: 100 })).body.data?.myNotes.edges).toHaveLength(1);
  });
});
