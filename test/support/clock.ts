import type { Clock } from '../../src/clock.js';

/** A clock the test moves by hand; starts at the real time. */
export class TestClock implements Clock {
  private offsetMs = 0;
  private readonly jumpListeners = new Set<() => void>();
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
    // Timers armed for a moment of this clock (a live socket's session expiry) are re-armed.
    for (const listener of [...this.jumpListeners]) listener();
  }
  /** Tells `listener` of every jump; returns its removal. */
  onJump(listener: () => void): () => void {
    this.jumpListeners.add(listener);
    return () => this.jumpListeners.delete(listener);
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
