import type { KeyedWaiters } from '../../../src/sessions/keyed-waiters.js';
import { InvalidationConfirmations } from '../../../src/sessions/invalidation-confirmations.js';
import { settled } from '../../support/settled.js';

const PAYLOAD = 's:11111111-1111-4111-8111-111111111111:1796169013023';
const SAME_SESSION_LATER = 's:11111111-1111-4111-8111-111111111111:1796169013024';

describe('InvalidationConfirmations: a revoking request waits for every listening instance', () => {
  let confirmations: InvalidationConfirmations;
  beforeEach(() => {
    confirmations = new InvalidationConfirmations();
  });

  it('resolves once every listener has confirmed, with none missing', async () => {
    const waiting = confirmations.expect(PAYLOAD, [101, 202, 303]).wait();
    confirmations.confirmed(PAYLOAD, 101);
    confirmations.confirmed(PAYLOAD, 303);
    expect(await settled(waiting)).toBe(false);
    confirmations.confirmed(PAYLOAD, 202);
    expect(await waiting).toEqual([]);
  });

  it('counts neither another announcement of the same session, nor a listener it was not told of, nor twice', async () => {
    const waiting = confirmations.expect(PAYLOAD, [101, 202]).wait();
    confirmations.confirmed(SAME_SESSION_LATER, 202);
    confirmations.confirmed(PAYLOAD, 999);
    confirmations.confirmed(PAYLOAD, 101);
    confirmations.confirmed(PAYLOAD, 101);
    expect(await settled(waiting)).toBe(false);
    confirmations.confirmed(PAYLOAD, 202);
    expect(await settled(waiting)).toBe(true);
  });

  it('waits for nobody when nobody was listening (the embedded database)', async () => {
    expect(await confirmations.expect(PAYLOAD, []).wait()).toEqual([]);
  });

  it('a confirmation heard before wait() is called still counts (registered before the commit)', async () => {
    const pending = confirmations.expect(PAYLOAD, [101]);
    confirmations.confirmed(PAYLOAD, 101);
    expect(await settled(pending.wait())).toBe(true);
  });

  it('gives up after a bound, naming the listeners that never confirmed (a dead instance must not hang revocations)', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const waiting = confirmations.expect(PAYLOAD, [101, 202]).wait();
      confirmations.confirmed(PAYLOAD, 101);
      jest.advanceTimersByTime(999);
      expect(await settled(waiting)).toBe(false);
      jest.advanceTimersByTime(1);
      expect(await waiting).toEqual([202]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('forgets a cancelled wait: a later confirmation reaches nobody', async () => {
    const pending = confirmations.expect(PAYLOAD, [101]);
    pending.cancel();
    confirmations.confirmed(PAYLOAD, 101);
    expect((confirmations as unknown as { waiting: KeyedWaiters<number> }).waiting.keys).toBe(0);
  });
});
