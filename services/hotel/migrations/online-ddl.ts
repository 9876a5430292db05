import type { QueryRunner } from 'typeorm';

/**
 * Schema changes of a live table that do not block its writers, for migrations that run
 * outside a transaction (`transaction = false`): each statement commits on its own, so they
 * are written to be re-run after a failure part-way through.
 */

/**
 * CREATE INDEX CONCURRENTLY. An index that a failed earlier run left invalid is dropped and
 * built again; a valid one is kept.
 */
export async function createIndexConcurrently(
  q: QueryRunner,
  index: { name: string; on: string; unique?: boolean },
): Promise<void> {
  const rows = (await q.query(
    `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'hotel' AND c.relname = $1`,
    [index.name],
  )) as Array<{ valid: boolean }>;
  if (rows[0]?.valid) return;
  if (rows[0]) await q.query(`DROP INDEX CONCURRENTLY hotel.${index.name}`);
  await q.query(`CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${index.name} ON ${index.on}`);
}

/**
 * SET NOT NULL without holding the table's exclusive lock for a scan: a NOT VALID check is
 * validated first (writers go on meanwhile), which lets SET NOT NULL skip its own scan.
 */
export async function setNotNull(q: QueryRunner, table: string, column: string): Promise<void> {
  const check = `${table.split('.')[1]}_${column}_not_null`;
  await q.query(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${check}`);
  await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${check} CHECK (${column} IS NOT NULL) NOT VALID`);
  await q.query(`ALTER TABLE ${table} VALIDATE CONSTRAINT ${check}`);
  await q.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET NOT NULL`);
  await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${check}`);
}
