import { DataSource, EntityManager } from 'typeorm';
import { preparesStatements } from './db';

/**
 * The data-access style of both services: parameterised SQL, a lone statement on the pool of
 * TypeORM's DataSource, a transaction's statements on its EntityManager; rows aliased to typed
 * records (camelCase). TypeORM is kept for the pool, migrations and transactions; there are no
 * entity mappings.
 */

/**
 * A parameterised statement: `text` with $1…$n placeholders, and their `values`. A `name`
 * makes it a prepared statement outside transactions: parsed and planned once per connection,
 * then run with a generic plan. Only for statements whose best plan does not depend on the
 * values — a lookup by key — never for searches (dates, prefixes, statuses), which are planned
 * with their values each time.
 */
export interface SqlQuery {
  name?: string;
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
  query(statement: SqlQuery): Promise<{ rows: unknown[] }>;
}

/**
 * A statement of its own runs on the pg pool under a DataSource (or an EntityManager outside
 * a transaction) directly: TypeORM's DataSource.query would make, connect and release a query
 * runner for it, per call, for nothing the pool does not already do (same connections, same
 * timeouts; pg's errors are what db-errors.ts classifies either way). A named statement is
 * prepared once per connection, unless DB_PREPARED_STATEMENTS=false.
 */
function poolStatement(db: SqlRunner, { name, text, values }: SqlQuery) {
  const dataSource =
    db instanceof DataSource
      ? db
      : db instanceof EntityManager && !db.queryRunner
        ? db.connection
        : undefined;
  const pool = (dataSource?.driver as { master?: Partial<StatementPool> } | undefined)?.master;
  if (!dataSource || typeof pool?.query !== 'function') return undefined;
  const prepared = name !== undefined && preparesStatements(dataSource);
  return (pool as StatementPool).query(prepared ? { name, text, values } : { text, values });
}

/** The rows a statement returns (SELECT, or INSERT/UPDATE/DELETE … RETURNING). */
export async function queryRows<T>(db: SqlRunner, text: string, values: unknown[] = []): Promise<T[]> {
  return statementRows<T>(db, { text, values });
}

/** The rows of a statement given as a SqlQuery (named or not). */
export async function statementRows<T>(db: SqlRunner, statement: SqlQuery): Promise<T[]> {
  const pooled = poolStatement(db, statement);
  if (pooled) return (await pooled).rows as T[];
  return rowsOf<T>(await db.query(statement.text, statement.values));
}

/** The first row a statement returns, or null. */
export async function queryOne<T>(db: SqlRunner, text: string, values: unknown[] = []): Promise<T | null> {
  return (await queryRows<T>(db, text, values))[0] ?? null;
}

/** The first row of a statement given as a SqlQuery, or null. */
export async function statementOne<T>(db: SqlRunner, statement: SqlQuery): Promise<T | null> {
  return (await statementRows<T>(db, statement))[0] ?? null;
}
