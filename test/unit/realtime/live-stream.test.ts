import { Denied, LiveStream, type Verdict } from '../../../src/realtime/live-stream.js';
import { SubscribeRate } from '../../../src/realtime/subscribe-rate.js';

/** A source the test feeds by hand. */
function source<T>() {
  const queue: T[] = [];
  let waiting: ((r: IteratorResult<T>) => void) | undefined;
  let returned = false;
  return {
    push(value: T) {
      if (waiting) waiting({ done: false, value });
      else queue.push(value);
      waiting = undefined;
    },
    get returned() {
      return returned;
    },
    iterator: {
      next: () =>
        queue.length
          ? Promise.resolve({ done: false as const, value: queue.shift()! })
          : new Promise<IteratorResult<T>>((resolve) => (waiting = resolve)),
      return: async () => {
        returned = true;
        waiting?.({ done: true, value: undefined });
        return { done: true as const, value: undefined };
      },
    } as AsyncIterator<T>,
  };
}

describe('LiveStream', () => {
  it('checks before every event and passes allowed ones through', async () => {
    const s = source<number>();
    let checks = 0;
    const stream = new LiveStream(s.iterator, async (): Promise<Verdict> => (checks++, 'allowed'));
    s.push(1);
    s.push(2);
    expect(await stream.next()).toEqual({ done: false, value: 1 });
    expect(await stream.next()).toEqual({ done: false, value: 2 });
    expect(checks).toBe(2);
  });

  it('delivers a denial once in place of the event, then ends and returns its source', async () => {
    const s = source<number>();
    const denied = new Denied({ kind: 'MISSING_ROLE' });
    const stream = new LiveStream(s.iterator, async () => denied);
    s.push(1);
    expect(await stream.next()).toEqual({ done: false, value: denied });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(s.returned).toBe(true);
  });

  it('re-checks between events when asked, and denies without waiting for an event', async () => {
    const s = source<number>();
    let verdict: Verdict = 'allowed';
    const ended = jest.fn();
    const stream = new LiveStream(s.iterator, async () => verdict, ended);
    const next = stream.next();
    verdict = new Denied({ kind: 'MISSING_ROLE' });
    stream.recheck();
    expect(await next).toEqual({ done: false, value: verdict });
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it("ends quietly when the socket is closing ('closed')", async () => {
    const s = source<number>();
    const stream = new LiveStream(s.iterator, async () => 'closed');
    s.push(1);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('return() ends a pending next()', async () => {
    const s = source<number>();
    const stream = new LiveStream(s.iterator, async () => 'allowed');
    const next = stream.next();
    await stream.return();
    expect(await next).toEqual({ done: true, value: undefined });
  });
});

describe('SubscribeRate', () => {
  it('allows perMinute at once, then refills over time', () => {
    const rate = new SubscribeRate(3);
    expect([rate.take(0), rate.take(0), rate.take(0), rate.take(0)]).toEqual([true, true, true, false]);
    expect(rate.take(20_000)).toBe(true);
    expect(rate.take(20_000)).toBe(false);
  });
});
