import { errorCode, gql } from '../support/client.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { PASSWORD, registerBearer } from '../support/users.js';

// The argon2 limiter belongs to the app that built it from its configuration, not to the module: two apps in one
// process (as here, and in every two-instance test) keep their own cap and queue. With one limiter per module, the
// app configured last would set both, and filling one app's limiter would refuse the other's logins.
const LOGIN =
  'mutation($e: String!, $p: String!) { login(email: $e, password: $p, transport: BEARER) { accessToken } }';

let db: TestDatabase;
let small: TestServer; // one argon2 operation at a time, nobody waits
let large: TestServer; // started second, with room to spare
beforeAll(async () => {
  db = await createTestDatabase();
  small = await startServer(db, { env: { PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '0' } });
  large = await startServer(db, { env: { PASSWORD_HASH_CONCURRENCY: '2', PASSWORD_HASH_QUEUE: '4' } });
});
afterAll(async () => {
  await small?.stop();
  await large?.stop();
  await db?.close();
});

/** Keeps the one slot of `small` taken until released (the next hash starts in the same microtask turn). */
function occupySmall() {
  let holding = true;
  const loop = (async () => {
    while (holding) await small.app.passwords.hash('occupying the only slot');
  })();
  return async () => {
    holding = false;
    await loop;
  };
}

describe('each app has its own password hasher', () => {
  it('a full limiter refuses logins on its own app only, with the settings that app was configured with', async () => {
    const { email } = await registerBearer(large.url);
    const runningOnLarge: number[] = [];
    const stop = large.app.passwords.observe((running) => runningOnLarge.push(running));
    const release = occupySmall();
    let onSmall, onLarge;
    try {
      onSmall = await gql(small.url, LOGIN, { e: email, p: PASSWORD });
      onLarge = await gql(large.url, LOGIN, { e: email, p: PASSWORD });
    } finally {
      await release();
      stop();
    }
    // Configured first, `small` kept its cap of 1 and queue of 0 when `large` was built with larger ones.
    expect(onSmall.status).toBe(429);
    expect(errorCode(onSmall)).toBe('RATE_LIMITED');
    expect(onSmall.headers.get('retry-after')).toBe('1');
    // `large` never saw `small`'s hashes: its one verification ran alone.
    expect(onLarge.status).toBe(200);
    expect(onLarge.body.errors).toBeUndefined();
    expect(runningOnLarge).toEqual([1]);
  });
});
