import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { bootstrapDatabase } from '../../scripts/lib/bootstrap';

export const testPasswords = { auth: 'auth-test-password', hotel: 'hotel-test-password' };

export interface TestDatabase {
  name: string;
  superuserUrl: string;
  urlFor(role: 'auth' | 'hotel'): string;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.MYHOTEL_TEST_PG_URL;
  if (!url)
    throw new Error('MYHOTEL_TEST_PG_URL is not set: tests must run through jest (test/global-setup.ts)');
  return url;
}

async function asSuperuser(sql: string): Promise<void> {
  const client = new Client({ connectionString: `${serverUrl()}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

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
    drop: () => asSuperuser(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
