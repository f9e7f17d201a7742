// @ts-check
/**
 * Only the issue-16 parts (`npm run build`, then `DATABASE_URL=… node bench/scale-out-cli.mjs`): revocation
 * latency, balancer throughput, session-cache scale. `npm run bench` runs them too, after the rest.
 */
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { measureScaleOut } from './scale-out.mjs';
import { formatScaleOut } from './scale-out-report.mjs';
import { generateServerSecrets } from './secrets.mjs';
import { loadSettings } from './settings.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const T0 = Date.now();
/** @param {string} message */
const progress = (message) =>
  process.stderr.write(`[bench +${((Date.now() - T0) / 1000).toFixed(1)}s] ${message}\n`);

/** @type {Set<import('./server.mjs').RunningServer>} */
const track = new Set();
process.on('exit', () => track.forEach((s) => s.killNow()));
const settings = loadSettings(process.env);
const loadStart = os.loadavg();
measureScaleOut({ root: ROOT, settings, secrets: await generateServerSecrets(), track, progress }).then(
  (result) => {
    process.stdout.write(formatScaleOut(result, os.availableParallelism()));
    process.stdout.write(
      `load average ${loadStart.map((v) => v.toFixed(2)).join(' ')} -> ${os
        .loadavg()
        .map((v) => v.toFixed(2))
        .join(' ')}\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error) => {
    process.stderr.write(
      `scale-out failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
