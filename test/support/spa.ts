import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Compiles examples/spa with its own tsconfig (DOM lib): this also typechecks the browser code. */
export function buildSpa(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'examples/spa'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
}

/**
 * Starts examples/spa/serve.mjs on a free port of 127.0.0.1; resolves with the child and the page's origin, named
 * by `hostName`: 127.0.0.1 (the API's host name: same site, other origin), or localhost where WebAuthn needs a
 * host name for its relying party.
 */
export function serveSpa(
  hostName: '127.0.0.1' | 'localhost' = '127.0.0.1',
): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, ['examples/spa/serve.mjs', '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`serve.mjs exited with ${code}: ${out}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /SPA listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (match) resolve({ child, origin: `http://${hostName}:${match[1]}` });
    });
  });
}
