import { pino } from 'pino';
import { createListenConnection, type ListenConnection } from '../../src/db/listen-connection.js';
import { createTestDatabase, sql, type TestDatabase } from '../support/database.js';

// The resilient LISTEN connection the invalidation and live channels share, against a real PostgreSQL: it hears
// its channels, answers on the connection it heard on, and comes back by itself after the server drops it.
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

const APP = 'gatehouse-listen-test';

onPostgres('createListenConnection', () => {
  let db: TestDatabase;
  let connection: ListenConnection | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await connection?.stop();
    connection = undefined;
  });
  afterAll(async () => {
    await db?.close();
  });

  /** Starts a connection on `channels`; resolves each `next()` with the next event it reports. */
  async function listen(channels: string[]) {
    const events: string[] = [];
    let waiting: ((event: string) => void) | undefined;
    const report = (event: string) => {
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve(event);
      } else events.push(event);
    };
    connection = createListenConnection({
      url: db.databaseUrl!,
      applicationName: APP,
      channels,
      lostMessage: 'lost',
      logger: pino({ level: 'silent' }),
      onHealth: (healthy) => report(healthy ? 'up' : 'down'),
      onNotification(message, on) {
        report(`${message.channel}:${message.payload}`);
        if (message.payload === 'answer me')
          on.query('select pg_notify($1, $2)', [message.channel, 'answered']);
      },
    });
    await connection.start();
    const next = () =>
      events.length > 0 ? Promise.resolve(events.shift()!) : new Promise<string>((r) => (waiting = r));
    return { next };
  }

  it('hears every channel it listens on, and no other', async () => {
    const { next } = await listen(['chan_a', 'chan_b']);
    expect(await next()).toBe('up');
    await sql(
      db,
      "select pg_notify('chan_c', 'unheard'), pg_notify('chan_a', 'one'), pg_notify('chan_b', 'two')",
    );
    expect(await next()).toBe('chan_a:one');
    expect(await next()).toBe('chan_b:two');
  });

  it('answers on the connection a notification came on', async () => {
    const { next } = await listen(['chan_a']);
    expect(await next()).toBe('up');
    await sql(db, "select pg_notify('chan_a', 'answer me')");
    expect(await next()).toBe('chan_a:answer me');
    expect(await next()).toBe('chan_a:answered');
  });

  it('reports the loss of its connection, reconnects by itself and hears again', async () => {
    const { next } = await listen(['chan_a']);
    expect(await next()).toBe('up');
    const killed = await sql(
      db,
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()',
      [APP],
    );
    expect(killed).toHaveLength(1);
    expect(await next()).toBe('down');
    expect(await next()).toBe('up');
    await sql(db, "select pg_notify('chan_a', 'again')");
    expect(await next()).toBe('chan_a:again');
  });

  it('stops for good: down, once its connection has ended', async () => {
    const { next } = await listen(['chan_a']);
    expect(await next()).toBe('up');
    await connection!.stop();
    expect(await next()).toBe('down');
    connection = undefined;
  });
});
