import type { Clock } from '../../src/clock.js';

/** A clock the test moves by hand; starts at the real time. */
export class TestClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

/**
 * Runs `work` with `clock` moved `seconds` ahead, and moves it back afterwards (also when `work` fails), so a test
 * that jumps past an expiry leaves the server's time as it found it for the tests after it.
 */
export async function withClockAdvanced<T>(
  clock: TestClock,
  seconds: number,
  work: () => Promise<T>,
): Promise<T> {
  clock.advance(seconds);
  try {
    return await work();
  } finally {
    clock.advance(-seconds);
  }
}
