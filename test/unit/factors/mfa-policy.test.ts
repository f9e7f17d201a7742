import { decide } from '../../../src/authz/decide.js';
import { denialError } from '../../../src/authz/denial-error.js';
import type { AuthPolicy } from '../../../src/authz/policy.js';
import { Role } from '../../../src/authz/role.js';
import { Transport } from '../../../src/authz/transport.js';
import type { Viewer } from '../../../src/authz/viewer.js';

const NOW = new Date('2030-01-01T12:00:00Z');
const ALICE = '11111111-1111-4111-8111-111111111111';

function viewer(mfa: boolean, roles: Role[] = [Role.USER]): Viewer {
  return {
    userId: ALICE,
    sessionId: '33333333-3333-4333-8333-333333333333',
    roles,
    transport: Transport.BEARER,
    authTime: new Date(NOW.getTime() - 600_000),
    mfa,
    user: { id: ALICE, email: 'a@example.com', roles, createdAt: NOW, emailVerifiedAt: NOW },
  };
}

describe('decide: mfa', () => {
  it('mfa: true refuses a session without two factors (MFA_REQUIRED) and admits one with them', () => {
    const policy: AuthPolicy = { requires: [], mfa: true };
    expect(decide(policy, viewer(false), null, NOW)).toEqual({ kind: 'MFA_REQUIRED' });
    expect(decide(policy, viewer(true), null, NOW)).toBeNull();
  });

  it("mfa: 'roles' (REQUIRE_MFA_FOR_ROLES) asks it of a caller let in by the role, not of the owner", () => {
    const policy: AuthPolicy = { requires: [Role.ADMIN], owner: 'ownerId', mfa: 'roles' };
    const admin = viewer(false, [Role.ADMIN, Role.USER]);
    expect(decide(policy, admin, { ownerId: 'someone else' }, NOW)).toEqual({ kind: 'MFA_REQUIRED' });
    expect(decide(policy, viewer(false), { ownerId: ALICE }, NOW)).toBeNull();
    expect(decide(policy, viewer(true, [Role.ADMIN]), { ownerId: 'someone else' }, NOW)).toBeNull();
  });

  it('checks mfa before freshness, after the role', () => {
    const policy: AuthPolicy = { requires: [Role.ADMIN], mfa: true, fresh: 60 };
    expect(decide(policy, viewer(false), null, NOW)).toEqual({ kind: 'MISSING_ROLE' });
    expect(decide(policy, viewer(false, [Role.ADMIN]), null, NOW)).toEqual({ kind: 'MFA_REQUIRED' });
    expect(decide(policy, viewer(true, [Role.ADMIN]), null, NOW)).toEqual({ kind: 'NOT_FRESH', maxAge: 60 });
  });

  it('is answered FORBIDDEN with reason MFA_REQUIRED', () => {
    expect(denialError({ kind: 'MFA_REQUIRED' }).extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'MFA_REQUIRED',
    });
  });
});
