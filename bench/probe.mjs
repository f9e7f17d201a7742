// @ts-check
/**
 * Loaded into every benchmark server child with `node --import` (never part of the server itself): answers the
 * benchmark's questions about the child's memory and garbage collection over the IPC channel the benchmark opens,
 * so the same figures exist for Gatehouse and for the bare server without an endpoint in either.
 *
 * Protocol: the parent sends `{ type: 'sample', collect? }` (collect: run a full collection first, where the child
 * has --expose-gc); the child answers `{ type: 'sample', memory, gc, loop }` with
 * `process.memoryUsage()`, the garbage collections since start and the event loop's busy and idle time since
 * start (both cumulative: the parent takes differences).
 * When the parent goes away (the channel closes), the child stops itself as on SIGTERM: a benchmark killed
 * mid-run leaves no server behind.
 */
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import process from 'node:process';

if (process.send) {
  /** Cumulative collections by kind: minor = scavenges of the young generation, major = mark-sweep-compact. */
  const gc = { count: 0, ms: 0, minorCount: 0, minorMs: 0, majorCount: 0, majorMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // @types/node 20 leaves out the `detail` of a GC entry (its kind: minor, major, incremental, weak callbacks).
      const kind = /** @type {{ detail?: { kind?: number } }} */ (/** @type {unknown} */ (entry)).detail
        ?.kind;
      gc.count++;
      gc.ms += entry.duration;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        gc.minorCount++;
        gc.minorMs += entry.duration;
      } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        gc.majorCount++;
        gc.majorMs += entry.duration;
      }
    }
  }).observe({ entryTypes: ['gc'] });

  process.on('message', (/** @type {any} */ message) => {
    if (message?.type !== 'sample') return;
    // Only in a child started with --expose-gc (the session-scale one): the live heap, without garbage.
    const collect = /** @type {(() => void) | undefined} */ (/** @type {any} */ (globalThis).gc);
    if (message.collect && collect) collect();
    const { active, idle } = performance.eventLoopUtilization();
    process.send?.({
      type: 'sample',
      memory: process.memoryUsage(),
      gc,
      loop: { activeMs: active, idleMs: idle },
    });
  });
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  // The channel must not keep the server alive by itself, nor delay its own shutdown.
  process.channel?.unref();
}
