import { DataSource, EntityManager } from 'typeorm';

/**
 * The data-access style of both services: parameterised SQL, a lone statement on the pool of
 * TypeORM's DataSource, a transaction's statements on its EntityManager; rows aliased to typed
 * records (camelCase). TypeORM is kept for the pool, migrations and transactions; there are no
 * entity mappings.
 */

/** A parameterised statement: `text` with $1…$n placeholders, and their `values`. */
export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** What runs SQL: the DataSource (each statement on its own) or a transaction's EntityManager. */
export type SqlRunner = Pick<EntityManager, 'query'>;

/** Collects parameters: `param(value)` appends the value and returns its placeholder (`$n`). */
export function sqlParams(values: unknown[] = []): { values: unknown[]; param: (value: unknown) => string } {
  return { values, param: (value) => `$${values.push(value)}` };
}

/** TypeORM answers UPDATE and DELETE with `[rows, rowCount]`, every other statement with the rows. */
function rowsOf<T>(result: unknown): T[] {
  const isCounted =
    Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
  return (isCounted ? result[0] : result) as T[];
}

interface StatementPool {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * The pg pool under a DataSource, or under an EntityManager outside a transaction. A statement
 * of its own runs on it directly: TypeORM's DataSource.query would make, connect and release a
 * query runner for it, per call, for nothing the pool does not already do (same connections,
 * same timeouts, errors classified by db-errors.ts either way).
 */
function poolOf(db: SqlRunner): StatementPool | undefined {
  const dataSource =
    db instanceof DataSource
      ? db
      : db instanceof EntityManager && !db.queryRunner
        ? db.connection
        : undefined;
  const pool = (dataSource?.driver as { master?: Partial<StatementPool> } | undefined)?.master;
  return typeof pool?.query === 'function' ? (pool as StatementPool) : undefined;
}

/** The rows a statement returns (SELECT, or INSERT/UPDATE/DELETE … RETURNING). */
export async function queryRows<T>(db: SqlRunner, text: string, values: unknown[] = []): Promise<T[]> {
  const pool = poolOf(db);
  if (pool) return (await pool.query(text, values)).rows as T[];
  return rowsOf<T>(await db.query(text, values));
}

/** The first row a statement returns, or null. */
export async function queryOne<T>(db: SqlRunner, text: string, values: unknown[] = []): Promise<T | null> {
  return (await queryRows<T>(db, text, values))[0] ?? null;
}
