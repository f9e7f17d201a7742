import { InvalidationEchoes } from '../../../src/sessions/invalidation-echo.js';
import type { Invalidation } from '../../../src/sessions/invalidation.js';
import { settled } from '../../support/settled.js';

const SESSION: Invalidation = { kind: 'session', id: '11111111-1111-4111-8111-111111111111' };
const OTHER_SESSION: Invalidation = { kind: 'session', id: '22222222-2222-4222-8222-222222222222' };
const USER_OF_SAME_ID: Invalidation = { kind: 'user', id: SESSION.id };

describe('InvalidationEchoes: a revoking request waits for its own announcement', () => {
  let echoes: InvalidationEchoes;
  beforeEach(() => {
    echoes = new InvalidationEchoes();
  });

  it('wait() resolves once the listener has heard that invalidation, not before', async () => {
    const waiting = echoes.expect(SESSION).wait();
    expect(await settled(waiting)).toBe(false);
    echoes.heard(SESSION);
    expect(await settled(waiting)).toBe(true);
  });

  it('another session, or a user with the same id, is not its echo', async () => {
    const waiting = echoes.expect(SESSION).wait();
    echoes.heard(OTHER_SESSION);
    echoes.heard(USER_OF_SAME_ID);
    expect(await settled(waiting)).toBe(false);
    echoes.heard(SESSION);
    expect(await settled(waiting)).toBe(true);
  });

  it('an echo heard before wait() is called still counts (registered before the commit)', async () => {
    const pending = echoes.expect(SESSION);
    echoes.heard(SESSION);
    expect(await settled(pending.wait())).toBe(true);
  });

  it('one announcement answers every request waiting for it', async () => {
    const first = echoes.expect(SESSION).wait();
    const second = echoes.expect(SESSION).wait();
    echoes.heard(SESSION);
    expect(await settled(Promise.all([first, second]))).toBe(true);
  });

  it('gives up after a bound when the echo never comes (a channel down must not hang revocations)', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const waiting = echoes.expect(SESSION).wait();
      jest.advanceTimersByTime(999);
      expect(await settled(waiting)).toBe(false);
      jest.advanceTimersByTime(1);
      expect(await settled(waiting)).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
