/**
 * The login throttle holds across replicas: two auth processes on one database spend from
 * the same failure budget (auth.login_failures), so running more replicas does not
 * multiply an attacker's guesses.
 */
import { migrateAuth } from '@myhotel/auth';
import { newSigningKeyPem } from './support/auth';
import { createTestDatabase, type TestDatabase } from './support/database';
import { killAllNodeProcesses } from '../tooling/node-process';
import { spawnService, type ServiceProcess } from './support/processes';

jest.setTimeout(60_000);

const budget = 4;
let db: TestDatabase;
let replicas: ServiceProcess[];

beforeAll(async () => {
  db = await createTestDatabase();
  const env = {
    DATABASE_URL: db.urlFor('auth'),
    JWT_PRIVATE_KEY: newSigningKeyPem(),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: String(budget),
    LOGIN_MAX_FAILURES_PER_CLIENT: '1000',
  };
  await migrateAuth({ ...env, JWT_ISSUER: 'myhotel-auth', JWT_AUDIENCE: 'myhotel' });
  replicas = await Promise.all([spawnService('auth', env), spawnService('auth', env)]);
});

afterAll(async () => {
  await killAllNodeProcesses();
  await db?.drop();
});

const post = (replica: ServiceProcess, path: string, body: unknown) =>
  fetch(`${replica.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test('two auth processes on one database share one failure budget per account', async () => {
  const [a, b] = replicas as [ServiceProcess, ServiceProcess];
  const account = { email: 'replicas@example.com', password: 'correct horse battery' };
  expect((await post(a, '/api/auth/register', { name: 'Replicas', ...account })).status).toBe(201);

  // The budget, spent alternately on both replicas (each alone would allow it twice over).
  for (let attempt = 0; attempt < budget; attempt++) {
    const replica = attempt % 2 === 0 ? a : b;
    const res = await post(replica, '/api/auth/login', { email: account.email, password: 'wrong password' });
    expect(res.status).toBe(401);
  }
  for (const replica of [a, b]) {
    const limited = await post(replica, '/api/auth/login', account);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  }
});
