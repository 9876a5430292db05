import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { bootstrapDatabase } from '../../tooling/bootstrap-database';

export const testPasswords = { auth: 'auth-test-password', hotel: 'hotel-test-password' };

/** A database bootstrapped as in production: the superuser's URL and each service role's. */
export interface ServiceDatabase {
  name: string;
  superuserUrl: string;
  urlFor(role: 'auth' | 'hotel'): string;
}

export interface TestDatabase extends ServiceDatabase {
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.MYHOTEL_TEST_PG_URL;
  if (!url)
    throw new Error('MYHOTEL_TEST_PG_URL is not set: tests must run through jest (test/global-setup.ts)');
  return url;
}

const asSuperuser = (sql: string) => superQuery({ superuserUrl: `${serverUrl()}/postgres` }, sql);

/** A fresh, bootstrapped database of the shared test server (one per test file). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await asSuperuser(`CREATE DATABASE ${name}`);
  const superuserUrl = `${serverUrl()}/${name}`;
  await bootstrapDatabase(superuserUrl, name);
  const { host } = new URL(serverUrl());
  return {
    name,
    superuserUrl,
    urlFor: (role) => `postgres://${role}:${testPasswords[role]}@${host}/${name}`,
    drop: async () => {
      await asSuperuser(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Runs one query as superuser on a short-lived connection. */
export async function superQuery<T = Record<string, unknown>>(
  db: Pick<ServiceDatabase, 'superuserUrl'>,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: db.superuserUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
