/**
 * A transaction PostgreSQL aborts to break a deadlock (or a serialization failure) lost a race:
 * the caller gets 409 problem+json and may retry, never a 500.
 */
import express from 'express';
import { Client } from 'pg';
import supertest from 'supertest';
import { createLogger, isConcurrencyFailure, problemHandler } from '@myhotel/common';
import { createTestDatabase, superQuery, type TestDatabase } from '../../../test/support/database';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await superQuery(db, 'CREATE TABLE public.counters (id int PRIMARY KEY, n int NOT NULL)');
  await superQuery(db, 'INSERT INTO public.counters VALUES (1, 0), (2, 0)');
});
afterAll(() => db?.drop());

/** Two transactions locking rows 1 and 2 in opposite orders: PostgreSQL aborts one of them. */
async function realDeadlock(): Promise<unknown> {
  const [a, b] = [
    new Client({ connectionString: db.superuserUrl }),
    new Client({ connectionString: db.superuserUrl }),
  ];
  await Promise.all([a.connect(), b.connect()]);
  try {
    await a.query("SET deadlock_timeout = '100ms'");
    await b.query("SET deadlock_timeout = '100ms'");
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query('UPDATE public.counters SET n = n + 1 WHERE id = 1');
    await b.query('UPDATE public.counters SET n = n + 1 WHERE id = 2');
    const outcomes = await Promise.allSettled([
      a.query('UPDATE public.counters SET n = n + 1 WHERE id = 2'),
      b.query('UPDATE public.counters SET n = n + 1 WHERE id = 1'),
    ]);
    await Promise.all([a.query('ROLLBACK'), b.query('ROLLBACK')]);
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(failed).toHaveLength(1);
    return failed[0]!.reason;
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
}

test('a real deadlock is a concurrency failure, answered 409 problem+json by the central handler', async () => {
  const deadlock = await realDeadlock();
  expect((deadlock as { code?: string }).code).toBe('40P01');
  expect(isConcurrencyFailure(deadlock)).toBe(true);
  expect(isConcurrencyFailure({ code: '40001' })).toBe(true);
  expect(isConcurrencyFailure({ code: '23505' })).toBe(false);
  // As TypeORM wraps it (QueryFailedError keeps the driver's error).
  expect(isConcurrencyFailure({ message: 'x', driverError: deadlock })).toBe(true);

  const app = express();
  app.get('/api/things', () => {
    throw deadlock;
  });
  app.use(problemHandler(createLogger('test', 'silent')));
  const res = await supertest(app).get('/api/things');
  expect(res.status).toBe(409);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 409, title: 'Conflict' });
  expect(res.body.detail).toMatch(/concurrent change/);
  const rows = await superQuery<{ n: number }>(db, 'SELECT n FROM public.counters ORDER BY id');
  expect(rows.map((r) => r.n)).toEqual([0, 0]);
});
