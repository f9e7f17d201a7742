import { Role } from '../../../src/authz/role.js';
import { Transport } from '../../../src/authz/transport.js';
import { checkSession, stateOf, type SessionRow, type UserRow } from '../../../src/sessions/session-state.js';

const NOW = new Date('2026-01-01T12:00:00Z');
const at = (offsetSec: number) => new Date(NOW.getTime() + offsetSec * 1000);

const ROW: SessionRow = {
  id: '11111111-1111-4111-8111-111111111111',
  transport: Transport.COOKIE,
  authTime: at(-600),
  mfa: false,
  idleExpiresAt: at(3600),
  absoluteExpiresAt: at(86400),
  lastSeenAt: at(-60),
  revokedAt: null,
};
const USER: UserRow = {
  id: '22222222-2222-4222-8222-222222222222',
  email: 'alice@example.com',
  roles: [Role.USER],
  createdAt: at(-86400),
  emailVerifiedAt: null,
};

describe('stateOf: the one builder of a SessionState', () => {
  it('takes the session’s times and transport and the user’s current roles', () => {
    expect(stateOf(ROW, USER)).toEqual({
      sessionId: ROW.id,
      transport: Transport.COOKIE,
      authTime: ROW.authTime,
      mfa: ROW.mfa,
      idleExpiresAt: ROW.idleExpiresAt,
      absoluteExpiresAt: ROW.absoluteExpiresAt,
      lastSeenAt: ROW.lastSeenAt,
      revokedAt: null,
      user: {
        id: USER.id,
        email: USER.email,
        roles: [Role.USER],
        createdAt: USER.createdAt,
        emailVerifiedAt: null,
      },
    });
  });

  it('copies the roles: a later change to the user entity does not reach a state already handed out', () => {
    const user = { ...USER, roles: [Role.USER] };
    const state = stateOf(ROW, user);
    user.roles.push(Role.ADMIN);
    expect(state.user.roles).toEqual([Role.USER]);
  });

  it('carries a revocation, so the check refuses it', () => {
    const state = stateOf({ ...ROW, revokedAt: at(-1) }, USER);
    expect(checkSession(state, NOW)).toEqual({ ok: false, reason: 'SESSION_REVOKED' });
  });
});

describe('checkSession', () => {
  it('accepts a live session', () => {
    expect(checkSession(stateOf(ROW, USER), NOW)).toMatchObject({ ok: true });
  });

  it('refuses a session that is gone as SESSION_REVOKED', () => {
    expect(checkSession(null, NOW)).toEqual({ ok: false, reason: 'SESSION_REVOKED' });
  });

  it('refuses at the idle expiry and at the absolute expiry (the instant itself included)', () => {
    expect(checkSession(stateOf({ ...ROW, idleExpiresAt: NOW }, USER), NOW)).toEqual({
      ok: false,
      reason: 'SESSION_EXPIRED',
    });
    expect(checkSession(stateOf({ ...ROW, absoluteExpiresAt: NOW }, USER), NOW)).toEqual({
      ok: false,
      reason: 'SESSION_EXPIRED',
    });
  });
});
