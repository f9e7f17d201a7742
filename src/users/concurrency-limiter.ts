/**
 * Runs at most `concurrency` tasks at once; up to `queue` more wait their turn in order of arrival, and one more
 * is refused at once with `busy()` instead of waiting behind an unbounded line. `concurrency` 0 means no cap
 * (nothing waits, nothing is refused).
 */
export interface ConcurrencyLimiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly running: number;
  /** Tasks waiting for a slot. */
  readonly waiting: number;
}

export interface ConcurrencyLimiterOptions {
  readonly concurrency: number;
  readonly queue: number;
  /** The error a task beyond the queue is refused with. */
  readonly busy: () => Error;
  /** Called as each task starts, with the number running (itself included): lets a test see the cap hold. */
  readonly onStart?: (running: number) => void;
}

export function createConcurrencyLimiter(options: ConcurrencyLimiterOptions): ConcurrencyLimiter {
  const { concurrency, queue, busy, onStart } = options;
  const waiting: (() => void)[] = [];
  let running = 0;

  return {
    async run(task) {
      if (concurrency > 0 && running >= concurrency) {
        if (waiting.length >= queue) throw busy();
        // The finishing task hands its slot over: `running` already counts this one when it wakes.
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        running++;
      }
      onStart?.(running);
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return waiting.length;
    },
  };
}
