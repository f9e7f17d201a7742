import type { PGlite } from '@electric-sql/pglite';
import { pino } from 'pino';
import type { Em } from '../../../src/db/types.js';
import { INVALIDATION_CHANNEL, type Invalidation } from '../../../src/sessions/invalidation.js';
import { createInvalidations } from '../../../src/sessions/invalidations.js';
import { settled } from '../../support/settled.js';

const SESSION: Invalidation = { kind: 'session', id: '11111111-1111-4111-8111-111111111111' };
const USER: Invalidation = { kind: 'user', id: '22222222-2222-4222-8222-222222222222' };

/**
 * The channel without a database: a NOTIFY made in a transaction reaches the listener when the transaction
 * commits, or waits while the channel is held (latency) until `deliver()`. A rollback sends nothing. An
 * announcement is told that `listeners` (backend pids) were listening, as pg_stat_activity would say.
 */
function fakeChannel(listeners: number[] = []) {
  let listener: ((payload: string) => void) | undefined;
  let held: string[] | undefined;
  const send = (payload: string) => (held ? held.push(payload) : listener?.(payload));
  const pglite = {
    async listen(channel: string, callback: (payload: string) => void) {
      if (channel === INVALIDATION_CHANNEL) listener = callback;
      return async () => {
        listener = undefined;
      };
    },
  } as unknown as PGlite;
  const em = {
    async transactional<T>(work: (tx: Em) => Promise<T>): Promise<T> {
      const notified: string[] = [];
      const tx = {
        // announce(): the payload without its stamp (the fake has no clock), the channel, who is listening.
        async execute(_sql: string, [payload, channel]: [string, string]) {
          if (channel !== INVALIDATION_CHANNEL) return [];
          notified.push(payload);
          return [{ payload, listeners }];
        },
      } as unknown as Em;
      const result = await work(tx);
      notified.forEach(send);
      return result;
    },
  } as unknown as Em;
  return {
    pglite,
    em,
    send,
    hold() {
      held = [];
    },
    deliver() {
      const payloads = held ?? [];
      held = undefined;
      payloads.forEach(send);
    },
    held: () => held ?? [],
  };
}

async function setUp(listeners: number[] = []) {
  const channel = fakeChannel(listeners);
  const calls: string[] = [];
  const cache = {
    evictSession: (id: string) => void calls.push(`evict session ${id}`),
    evictUser: (id: string) => void calls.push(`evict user ${id}`),
    setTrusted: (trusted: boolean) => void calls.push(trusted ? 'trusted' : 'untrusted'),
  };
  const invalidations = createInvalidations({
    target: { kind: 'embedded', pglite: channel.pglite },
    cache,
    logger: pino({ level: 'silent' }),
  });
  await invalidations.start();
  calls.length = 0;
  return { channel, calls, invalidations };
}

describe('createInvalidations: what the channel brings in', () => {
  it('trusts the cache only while the channel listens, from start() to stop()', async () => {
    const channel = fakeChannel();
    const calls: string[] = [];
    const invalidations = createInvalidations({
      target: { kind: 'embedded', pglite: channel.pglite },
      cache: {
        evictSession: () => undefined,
        evictUser: () => undefined,
        setTrusted: (trusted) => void calls.push(trusted ? 'trusted' : 'untrusted'),
      },
      logger: pino({ level: 'silent' }),
    });
    expect(calls).toEqual([]);
    await invalidations.start();
    expect(calls).toEqual(['trusted']);
    await invalidations.stop();
    expect(calls).toEqual(['trusted', 'untrusted']);
  });

  it('evicts the session, or every cached session of the user, that another instance announced', async () => {
    const { channel, calls } = await setUp();
    channel.send(`s:${SESSION.id}`);
    channel.send(`u:${USER.id}`);
    expect(calls).toEqual([`evict session ${SESSION.id}`, `evict user ${USER.id}`]);
  });

  it('ignores what is not an invalidation on the channel', async () => {
    const { channel, calls } = await setUp();
    for (const payload of ['', 'x', 's:', 's:not-a-uuid', `x:${SESSION.id}`, `s:${SESSION.id} `])
      channel.send(payload);
    expect(calls).toEqual([]);
  });
});

describe('createInvalidations: run(em, invalidation, change)', () => {
  it('announces the change with its commit, evicts here, and answers only once its echo is back', async () => {
    const { channel, calls, invalidations } = await setUp();
    channel.hold();
    const run = invalidations.run(channel.em, SESSION, async () => 1);
    expect(await settled(run)).toBe(false);
    expect(channel.held()).toEqual([`s:${SESSION.id}`]);
    expect(calls).toEqual([`evict session ${SESSION.id}`]); // this instance, without waiting for the channel
    channel.deliver();
    expect(await run).toBe(1);
    expect(calls).toEqual([`evict session ${SESSION.id}`, `evict session ${SESSION.id}`]);
  });

  it('answers only once every instance listening at the commit has confirmed, its echo heard or not', async () => {
    const { channel, invalidations } = await setUp([101, 202]);
    const run = invalidations.run(channel.em, SESSION, async () => 1);
    expect(await settled(run)).toBe(false); // the echo is back (not held): the others have not confirmed
    invalidations.confirmations.confirmed(`s:${SESSION.id}`, 101);
    expect(await settled(run)).toBe(false);
    invalidations.confirmations.confirmed(`s:${SESSION.id}`, 202);
    expect(await run).toBe(1);
  });

  it('counts an instance that never confirms, and answers after the bound', async () => {
    const channel = fakeChannel([101, 202]);
    const unconfirmed = { inc: jest.fn() };
    const invalidations = createInvalidations({
      target: { kind: 'embedded', pglite: channel.pglite },
      cache: { evictSession: () => undefined, evictUser: () => undefined, setTrusted: () => undefined },
      logger: pino({ level: 'silent' }),
      metrics: {
        listenerUp: { set: () => undefined },
        propagation: { observe: () => undefined },
        unconfirmed,
      },
    });
    await invalidations.start();
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const run = invalidations.run(channel.em, SESSION, async () => 1);
      await settled(run);
      invalidations.confirmations.confirmed(`s:${SESSION.id}`, 101);
      jest.advanceTimersByTime(999);
      expect(await settled(run)).toBe(false);
      jest.advanceTimersByTime(1);
      expect(await run).toBe(1);
      expect(unconfirmed.inc).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('announces nothing and waits for nothing when the change changed no row', async () => {
    const { channel, calls, invalidations } = await setUp();
    channel.hold();
    const run = invalidations.run(channel.em, USER, async () => 0);
    expect(await settled(run)).toBe(true);
    expect(await run).toBe(0);
    expect(channel.held()).toEqual([]);
    expect(calls).toEqual([`evict user ${USER.id}`]);
  });

  it('rethrows a change that failed, announces nothing, and still evicts here', async () => {
    const { channel, calls, invalidations } = await setUp();
    channel.hold();
    await expect(
      invalidations.run(channel.em, USER, async () => {
        throw new Error('LAST_ADMIN');
      }),
    ).rejects.toThrow('LAST_ADMIN');
    expect(channel.held()).toEqual([]);
    expect(calls).toEqual([`evict user ${USER.id}`]);
  });

  it('gives up waiting after a bound when the echo never comes (a channel down must not hang the caller)', async () => {
    const { channel, invalidations } = await setUp();
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      channel.hold(); // and never delivered
      const run = invalidations.run(channel.em, SESSION, async () => 1);
      await settled(run);
      jest.advanceTimersByTime(999);
      expect(await settled(run)).toBe(false);
      jest.advanceTimersByTime(1);
      expect(await run).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
