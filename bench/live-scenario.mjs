// @ts-check
/**
 * Live GraphQL in `npm run bench` (issue 15): runs `bench/live.mjs` in a child with `--expose-gc` (so its heap per
 * socket is measured after full collections) and reads the JSON it prints. Two instances share one PostgreSQL
 * database, so without DATABASE_URL it is skipped, with the reason in the JSON and on the console, like the
 * scale-out scenario. The smoke run opens fewer sockets and revokes fewer sessions: it proves the figures are there.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import process from 'node:process';

/**
 * @param {object} options
 * @param {string} options.root
 * @param {import('./settings.mjs').BenchSettings} options.settings
 * @param {(message: string) => void} options.progress
 */
export async function measureLive({ root, settings, progress }) {
  if (!settings.databaseUrl) {
    const skipped = 'needs DATABASE_URL: two instances share one PostgreSQL database';
    progress(`SKIPPED live sockets: ${skipped}`);
    return { skipped };
  }
  const [sockets, revocations] = settings.smoke ? [200, 10] : [2000, 100];
  progress(`live: ${sockets} sockets on one instance, then ${revocations} revocations on the other`);
  const out = await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', join(root, 'bench', 'live.mjs'), String(sockets), String(revocations)],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: settings.databaseUrl },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`bench/live.mjs exited with ${code}: ${text}`)),
    );
  });
  return JSON.parse(/** @type {string} */ (out));
}

/**
 * The console section (the figures are in the JSON's `live`).
 *
 * @param {any} live  what measureLive returned
 */
export function formatLive(live) {
  const lines = ['', 'Live GraphQL (issue 15):'];
  if (live.skipped) lines.push(`  SKIPPED: ${live.skipped}`);
  else {
    const r = live.revocationToClose;
    lines.push(
      `  ${live.sockets} open sockets: heap ${live.perSocket.heapKiB} KiB, RSS ${live.perSocket.rssKiB} KiB per socket` +
        ` (server and clients in one process${live.gc ? ', after full GCs' : ', without --expose-gc'})`,
      `  revocation on A -> its socket on B closed 4403 (${r.samples} samples): p50 ${r.p50ms} ms, p99 ${r.p99ms} ms,` +
        ` max ${r.maxMs} ms`,
    );
  }
  return `${lines.join('\n')}\n`;
}
