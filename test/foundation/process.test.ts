import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gql } from '../support/client.js';
import { PASSWORD, uniqueEmail } from '../support/users.js';

// These run the compiled server (`npm test` builds first) as a user would: `node dist/main.js`.
const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

function run(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not become ready:\n${out}`)), 45_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"([^"]+)".*Gatehouse is ready/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, exited });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

describe('the server process', () => {
  it('exits non-zero naming the variable when a setting is bad', async () => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', PORT: 'abc' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/PORT: expected an integer/);
  });

  it('keeps embedded data across a restart and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-restart-'));
    // Port 0: the kernel picks a free port (a random "free" one can be taken by the time the server binds it);
    // the issuer comes from PUBLIC_URL, so the restarted process may listen elsewhere.
    const env = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };
    const email = uniqueEmail();

    const first = await run(env);
    const registered = await gql(
      first.url,
      'mutation($e: String!, $p: String!) { register(email: $e, password: $p) { user { id } } }',
      {
        e: email,
        p: PASSWORD,
      },
    );
    expect(registered.body.errors).toBeUndefined();
    // A second process on the same embedded database is refused (two writers would corrupt it).
    await expect(run(env)).rejects.toThrow(/DATA_DIR: .* is in use by another Gatehouse process/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await run(env);
    try {
      const login = await gql<{ login: { user: { email: string } } }>(
        second.url,
        'mutation($e: String!, $p: String!) { login(email: $e, password: $p, transport: BEARER) { user { email } } }',
        { e: email, p: PASSWORD },
      );
      expect(login.body.data?.login.user.email).toBe(email);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  }, 180_000); // three embedded-database starts: ~25 s on a quiet machine, far more on a loaded one
});
