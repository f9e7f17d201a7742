// @ts-check
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import process from 'node:process';

/** What the run was measured on, and of which source (read-only git look-ups), for the JSON. */

export function describeMachine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpuCount: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
  };
}

export function loadAverage() {
  return os.loadavg().map((v) => Math.round(v * 100) / 100);
}

/**
 * Whether the measured source differs from the commit (work in progress), when this is a git checkout.
 *
 * @param {string} root
 */
export function uncommittedSourceChanges(root) {
  try {
    return (
      execFileSync('git', ['status', '--porcelain', '--', 'src'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'ignore'],
      })
        .toString()
        .trim() !== ''
    );
  } catch {
    return null;
  }
}

/**
 * The commit measured, when this is a git checkout (read-only).
 *
 * @param {string} root
 */
export function gitCommit(root) {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return null;
  }
}
