/**
 * A connection killed by the server (a failover, pg_terminate_backend, an idle timeout) must
 * never take the service down: the pool drops it and the next request gets a fresh one.
 */
import { createDataSource, databaseConfig, baseEnvSchema } from '@myhotel/common';
import { createTestDatabase, superQuery, type TestDatabase } from '../../../test/support/database';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a connection terminated while its transaction waits, and again as it is discarded, crashes nothing', async () => {
  const env = baseEnvSchema.parse({ DATABASE_URL: db.urlFor('hotel'), JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' });
  const dataSource = createDataSource({
    db: databaseConfig(env),
    schema: 'hotel',
    applicationName: 'kill-test',
    migrations: [],
  });
  await dataSource.initialize();
  const crashes: unknown[] = [];
  const onCrash = (err: unknown) => crashes.push(err);
  process.on('uncaughtException', onCrash);
  try {
    for (let round = 0; round < 20; round += 1) {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      const [backend] = (await runner.query('SELECT pg_backend_pid() AS pid')) as Array<{ pid: number }>;
      // Idle in transaction, no query pending: only an 'error' event can tell the client.
      await superQuery(db, 'SELECT pg_terminate_backend($1)', [backend!.pid]);
      await sleep(50);
      await expect(runner.query('SELECT 1')).rejects.toThrow();
      await runner.release();
    }
    await sleep(200);
    expect(crashes).toEqual([]);
    // The pool still serves.
    expect(await dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  } finally {
    process.off('uncaughtException', onCrash);
    await dataSource.destroy();
  }
});

test('an error on a connection between its checkout and its first listener crashes nothing', async () => {
  // Seen under load in test/faults/booking-killed (hotel died: "Unhandled 'error' event …
  // terminating connection due to administrator command"): the pool hands a new connection
  // out while parsing its ReadyForQuery, the same TCP read carries the server's FATAL, and
  // pg emits it before TypeORM (a promise tick later) has attached its error listener.
  const env = baseEnvSchema.parse({ DATABASE_URL: db.urlFor('hotel'), JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' });
  const dataSource = createDataSource({
    db: databaseConfig(env),
    schema: 'hotel',
    applicationName: 'checkout-error',
    migrations: [],
  });
  await dataSource.initialize();
  try {
    const pool = (dataSource.driver as unknown as { master: import('pg').Pool }).master;
    const client = await pool.connect(); // checked out: the pool's own listener is off
    const fatal = new Error('terminating connection due to administrator command');
    expect(() => client.emit('error', fatal)).not.toThrow();
    client.release(fatal);
    expect(await dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  } finally {
    await dataSource.destroy();
  }
});
