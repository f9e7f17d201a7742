import { randomUUID } from 'node:crypto';
import { gql, type GqlResponse } from '../support/client.js';
import { useTestServer } from '../support/server.js';
import { registerBearer } from '../support/users.js';
import { createPrincipal, expectData, LENIENT_LIMITS, signIn } from '../authz/callers.js';

/*
 * revokeSession must not tell a user which session ids exist: someone else's session and an id that names no
 * session get the same answer (FORBIDDEN / NOT_OWNER). Only the real attempt on someone's session is audited.
 */

const t = useTestServer({ env: LENIENT_LIMITS });

const REVOKE = 'mutation($id: ID!) { revokeSession(id: $id) }';

/** Everything a client sees of a denial but the request-specific location. */
function answer(res: GqlResponse<unknown>) {
  return {
    status: res.status,
    data: res.body.data,
    errors: res.body.errors?.map(({ message, path, extensions }) => ({ message, path, extensions })),
  };
}

/** The AUTHZ_DENIED audits the server started for revokeSession (recorded in the background). */
function deniedAudits(spy: jest.SpyInstance): unknown[] {
  return spy.mock.calls
    .map(([, input]) => input as { type: string; details: { field: string } })
    .filter((input) => input.type === 'AUTHZ_DENIED' && input.details.field === 'Mutation.revokeSession');
}

describe('revokeSession, by a user who is not an ADMIN', () => {
  it('answers an unknown session id exactly as another user’s session, and audits only the real attempt', async () => {
    const mallory = await registerBearer(t.server.url);
    const victim = await registerBearer(t.server.url);
    const audits = jest.spyOn(t.server.app.audit, 'recordThrottled');
    const asMallory = (id: string) => gql(t.server.url, REVOKE, { id }, { token: mallory.accessToken });

    const unknown = await asMallory(randomUUID());
    expect(deniedAudits(audits)).toEqual([]);
    const others = await asMallory(victim.sessionId);
    expect(deniedAudits(audits)).toHaveLength(1);

    expect(answer(unknown)).toEqual(answer(others));
    expect(others.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_OWNER' });
    expect(others.body.data).toEqual({ revokeSession: null });
    // The victim's session lives on.
    expect((await gql(t.server.url, '{ me { id } }', {}, { token: victim.accessToken })).status).toBe(200);
    audits.mockRestore();
  });
});

describe('revokeSession, by an ADMIN (who may list every session anyway)', () => {
  it('revokes anyone’s session, and says when an id names no session', async () => {
    const admin = await signIn(t.server.url, await createPrincipal(t.server.url, t.db, true), 'BEARER');
    const victim = await registerBearer(t.server.url);
    expect(expectData(await admin.call(REVOKE, { id: victim.sessionId }))).toEqual({ revokeSession: true });
    const unknown = await admin.call(REVOKE, { id: randomUUID() });
    expect(unknown.body.errors?.[0]).toMatchObject({
      message: 'No such session',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
