import type { Viewer } from '../../../src/authz/viewer.js';
import { decide } from '../../../src/authz/decide.js';
import type { AuthPolicy } from '../../../src/authz/policy.js';
import { Transport } from '../../../src/authz/transport.js';
import { Role } from '../../../src/authz/role.js';

const NOW = new Date('2030-01-01T12:00:00Z');
const ALICE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';

function viewer(overrides: Partial<Viewer> = {}): Viewer {
  const userId = overrides.userId ?? ALICE;
  const roles = overrides.roles ?? [Role.USER];
  return {
    userId,
    sessionId: '33333333-3333-4333-8333-333333333333',
    roles,
    transport: Transport.COOKIE,
    authTime: new Date(NOW.getTime() - 60_000),
    mfa: false,
    user: { id: userId, email: 'a@example.com', roles, createdAt: NOW, emailVerifiedAt: NOW },
    ...overrides,
  };
}

const user = viewer();
const admin = viewer({ userId: BOB, roles: [Role.ADMIN, Role.USER] });
const adminOnly = viewer({ userId: BOB, roles: [Role.ADMIN] });
const anyUser: AuthPolicy = { requires: [] };
const admins: AuthPolicy = { requires: [Role.ADMIN] };
const adminOrOwner: AuthPolicy = { requires: [Role.ADMIN], owner: 'ownerId' };
const ownerOnly: AuthPolicy = { requires: [], owner: 'ownerId' };
const ownedByAlice = { ownerId: ALICE };
const ownedByBob = { ownerId: BOB };

describe('decide', () => {
  describe('anonymous callers', () => {
    it.each<[string, AuthPolicy]>([
      ['any user', anyUser],
      ['a role', admins],
      ['role or owner', adminOrOwner],
      ['owner only', ownerOnly],
      ['a transport', { requires: [], via: [Transport.COOKIE] }],
      ['freshness', { requires: [], fresh: 900 }],
    ])('are UNAUTHENTICATED whatever the policy asks (%s)', (_name, policy) => {
      expect(decide(policy, null, ownedByAlice, NOW)).toEqual({ kind: 'UNAUTHENTICATED' });
    });
  });

  describe('requires', () => {
    it('empty: any authenticated user passes, whatever their roles', () => {
      expect(decide(anyUser, user, undefined, NOW)).toBeNull();
      expect(decide(anyUser, admin, undefined, NOW)).toBeNull();
      expect(decide(anyUser, viewer({ roles: [] }), undefined, NOW)).toBeNull();
    });

    it('[ADMIN]: a USER is MISSING_ROLE, an ADMIN passes', () => {
      expect(decide(admins, user, undefined, NOW)).toEqual({ kind: 'MISSING_ROLE' });
      expect(decide(admins, viewer({ roles: [] }), undefined, NOW)).toEqual({ kind: 'MISSING_ROLE' });
      expect(decide(admins, admin, undefined, NOW)).toBeNull();
    });

    it('[USER]: ADMIN includes USER (the hierarchy applies)', () => {
      expect(decide({ requires: [Role.USER] }, adminOnly, undefined, NOW)).toBeNull();
      expect(decide({ requires: [Role.USER] }, user, undefined, NOW)).toBeNull();
    });

    it('several roles: one of them suffices', () => {
      expect(decide({ requires: [Role.ADMIN, Role.USER] }, user, undefined, NOW)).toBeNull();
    });

    it('an unknown role held (a bad row) grants nothing', () => {
      expect(decide(admins, viewer({ roles: ['ROOT' as Role] }), undefined, NOW)).toEqual({
        kind: 'MISSING_ROLE',
      });
    });
  });

  describe('owner', () => {
    it('with roles: the owner passes without the role', () => {
      expect(decide(adminOrOwner, user, ownedByAlice, NOW)).toBeNull();
    });

    it('with roles: a role holder passes without owning', () => {
      expect(decide(adminOrOwner, admin, ownedByAlice, NOW)).toBeNull();
    });

    it('with roles: neither owner nor role holder is NOT_OWNER', () => {
      expect(decide(adminOrOwner, user, ownedByBob, NOW)).toEqual({ kind: 'NOT_OWNER' });
    });

    it('without roles: only the owner passes, even an ADMIN is NOT_OWNER', () => {
      expect(decide(ownerOnly, user, ownedByAlice, NOW)).toBeNull();
      expect(decide(ownerOnly, admin, ownedByAlice, NOW)).toEqual({ kind: 'NOT_OWNER' });
    });

    it.each<[string, unknown]>([
      ['null', null],
      ['undefined', undefined],
      ['a string', ALICE],
      ['an object without the property', { id: ALICE }],
      ['an object whose property is another type', { ownerId: [ALICE] }],
    ])('a parent that is %s owns nothing', (_name, source) => {
      expect(decide(ownerOnly, user, source, NOW)).toEqual({ kind: 'NOT_OWNER' });
      expect(decide(adminOrOwner, user, source, NOW)).toEqual({ kind: 'NOT_OWNER' });
    });

    it('reads getters (an entity exposing its owner id as a computed property)', () => {
      const entity = {
        get ownerId() {
          return ALICE;
        },
      };
      expect(decide(ownerOnly, user, entity, NOW)).toBeNull();
    });
  });

  describe('via', () => {
    const cookieOnly: AuthPolicy = { requires: [], via: [Transport.COOKIE] };

    it('lets the listed transport through and refuses the other with WRONG_TRANSPORT', () => {
      expect(decide(cookieOnly, viewer({ transport: Transport.COOKIE }), undefined, NOW)).toBeNull();
      expect(decide(cookieOnly, viewer({ transport: Transport.BEARER }), undefined, NOW)).toEqual({
        kind: 'WRONG_TRANSPORT',
      });
    });

    it('with both transports listed, both pass', () => {
      const both: AuthPolicy = { requires: [], via: [Transport.COOKIE, Transport.BEARER] };
      expect(decide(both, viewer({ transport: Transport.BEARER }), undefined, NOW)).toBeNull();
      expect(decide(both, viewer({ transport: Transport.COOKIE }), undefined, NOW)).toBeNull();
    });

    it('is checked before roles and ownership (an ADMIN on the wrong transport is refused)', () => {
      const policy: AuthPolicy = { requires: [Role.ADMIN], owner: 'ownerId', via: [Transport.BEARER] };
      expect(decide(policy, admin, ownedByBob, NOW)).toEqual({ kind: 'WRONG_TRANSPORT' });
      expect(decide(policy, user, ownedByAlice, NOW)).toEqual({ kind: 'WRONG_TRANSPORT' });
    });
  });

  describe('fresh', () => {
    const fresh: AuthPolicy = { requires: [Role.ADMIN], fresh: 900 };
    const loggedInAgo = (seconds: number, ms = 0) =>
      viewer({ ...admin, authTime: new Date(NOW.getTime() - seconds * 1000 - ms) });

    it('passes a login exactly `fresh` seconds old and refuses one a millisecond older, with maxAge', () => {
      expect(decide(fresh, loggedInAgo(900), undefined, NOW)).toBeNull();
      expect(decide(fresh, loggedInAgo(900, 1), undefined, NOW)).toEqual({ kind: 'NOT_FRESH', maxAge: 900 });
      expect(decide(fresh, loggedInAgo(901), undefined, NOW)).toEqual({ kind: 'NOT_FRESH', maxAge: 900 });
    });

    it('passes a login just made', () => {
      expect(decide(fresh, loggedInAgo(0), undefined, NOW)).toBeNull();
    });

    it('applies to owners too', () => {
      const policy: AuthPolicy = { requires: [], owner: 'ownerId', fresh: 60 };
      const stale = viewer({ authTime: new Date(NOW.getTime() - 61_000) });
      expect(decide(policy, stale, ownedByAlice, NOW)).toEqual({ kind: 'NOT_FRESH', maxAge: 60 });
    });

    it('a caller lacking the role hears MISSING_ROLE, not "log in again" (logging in would not help)', () => {
      const stale = viewer({ authTime: new Date(NOW.getTime() - 10_000_000) });
      expect(decide(fresh, stale, undefined, NOW)).toEqual({ kind: 'MISSING_ROLE' });
    });

    it('without `fresh`, an old login is fine', () => {
      expect(decide(admins, loggedInAgo(10_000_000), undefined, NOW)).toBeNull();
    });
  });
});
