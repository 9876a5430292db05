import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapRoles } from '../tooling/bootstrap-database';
import { freePort } from '../tooling/free-port';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../tooling/embedded-postgres';
import { testPasswords } from './support/database';

/** One real PostgreSQL for the whole test run; each test file creates its own database. */
export default async function globalSetup(): Promise<void> {
  const postgres = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), 'myhotel-test-pg-')),
    port: await freePort(),
    password: 'postgres',
    temporary: true,
    // Durability is irrelevant for throw-away test data.
    settings: ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=400'],
  });
  await bootstrapRoles(postgres.url(), testPasswords);
  process.env.MYHOTEL_TEST_PG_URL = postgres.url();
  // Every service of this run records its responses here (test/support/status-coverage.ts).
  process.env.MYHOTEL_STATUS_LOG = join(mkdtempSync(join(tmpdir(), 'myhotel-statuses-')), 'statuses.log');
  (globalThis as { __myhotelPostgres?: EmbeddedPostgres }).__myhotelPostgres = postgres;
}
