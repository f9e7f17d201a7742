import type { Logger } from './logger.js';

/** Runs every shutdown step in order; a step that fails is logged and the next one still runs. */
export async function runAll(steps: (() => Promise<unknown>)[], logger: Logger): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      logger.error({ err: error }, 'shutdown step failed');
    }
  }
}
