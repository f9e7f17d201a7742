import { createConcurrencyLimiter } from '../../../src/users/concurrency-limiter.js';

class Busy extends Error {}

/** A task the test finishes by hand, and a record of when it started. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let started = false;
  return {
    task: async () => {
      started = true;
      await opened;
      return 'done';
    },
    open,
    started: () => started,
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createConcurrencyLimiter', () => {
  it('runs at most `concurrency` tasks, starts the waiting ones in order of arrival as slots free', async () => {
    const starts: number[] = [];
    const limiter = createConcurrencyLimiter({
      concurrency: 2,
      queue: 10,
      busy: () => new Busy(),
      onStart: (running) => starts.push(running),
    });
    const gates = Array.from({ length: 5 }, gate);
    const results = gates.map((g) => limiter.run(g.task));
    await turn();
    expect(gates.map((g) => g.started())).toEqual([true, true, false, false, false]);
    expect([limiter.running, limiter.waiting]).toEqual([2, 3]);

    gates[1]!.open();
    await turn();
    expect(gates.map((g) => g.started())).toEqual([true, true, true, false, false]);
    expect([limiter.running, limiter.waiting]).toEqual([2, 2]);

    gates.forEach((g) => g.open());
    await expect(Promise.all(results)).resolves.toEqual(Array(5).fill('done'));
    expect([limiter.running, limiter.waiting]).toEqual([0, 0]);
    expect(Math.max(...starts)).toBe(2);
    expect(starts).toHaveLength(5);
  });

  it('refuses at once with busy() beyond the queue, without running the task', async () => {
    expect.assertions(4);
    const limiter = createConcurrencyLimiter({ concurrency: 1, queue: 1, busy: () => new Busy() });
    const first = gate();
    const second = gate();
    const running = limiter.run(first.task);
    const waiting = limiter.run(second.task);
    const refused = jest.fn(async () => 'never');
    await expect(limiter.run(refused)).rejects.toBeInstanceOf(Busy);
    expect(refused).not.toHaveBeenCalled();
    first.open();
    second.open();
    await expect(Promise.all([running, waiting])).resolves.toEqual(['done', 'done']);
    // Room again once the queue drained.
    await expect(limiter.run(async () => 'again')).resolves.toBe('again');
  });

  it('frees the slot when a task fails, and passes the failure on', async () => {
    const limiter = createConcurrencyLimiter({ concurrency: 1, queue: 0, busy: () => new Busy() });
    await expect(limiter.run(() => Promise.reject(new Error('argon2 failed')))).rejects.toThrow(
      'argon2 failed',
    );
    expect(limiter.running).toBe(0);
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });

  it('with concurrency 0 runs everything at once and refuses nothing', async () => {
    const limiter = createConcurrencyLimiter({ concurrency: 0, queue: 0, busy: () => new Busy() });
    const gates = Array.from({ length: 20 }, gate);
    const results = gates.map((g) => limiter.run(g.task));
    await turn();
    expect(gates.every((g) => g.started())).toBe(true);
    expect(limiter.running).toBe(20);
    gates.forEach((g) => g.open());
    await Promise.all(results);
    expect(limiter.running).toBe(0);
  });
});
