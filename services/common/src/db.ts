import { types } from 'pg';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import type { DatabaseConfig } from './config';

// Keep DATE columns as 'YYYY-MM-DD' strings (pg would build a local-midnight Date);
// NUMERIC and BIGINT already arrive as strings and stay strings to the API edge.
types.setTypeParser(types.builtins.DATE, (value: string) => value);

export interface DataSourceOptions {
  db: DatabaseConfig;
  schema: string;
  applicationName: string;
  entities: MixedList<EntitySchema | string>;
  migrations: MixedList<string | (new () => unknown)>;
}

export function createDataSource({
  db,
  schema,
  applicationName,
  entities,
  migrations,
}: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    ...(db.connectionString
      ? { url: db.connectionString }
      : { host: db.host, port: db.port, database: db.database, username: db.user, password: db.password }),
    ssl: db.ssl,
    schema,
    entities,
    migrations: migrations as never,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    poolSize: db.poolMax,
    extra: {
      application_name: applicationName,
      connectionTimeoutMillis: db.connectTimeoutMs,
      statement_timeout: db.statementTimeoutMs,
      query_timeout: db.statementTimeoutMs + 1000,
      idle_in_transaction_session_timeout: 10000,
      idleTimeoutMillis: 30000,
    },
  });
}

/**
 * Applies pending migrations under a session advisory lock, so replicas (or init
 * containers) starting together migrate once and the others wait, then find nothing to do.
 */
export async function migrate(dataSource: DataSource, lockName: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [lockName]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName]).catch(() => undefined);
    await runner.release();
  }
}

/** Readiness probe: the pool can run a trivial query within the timeout. */
export async function databaseReachable(dataSource: DataSource, timeoutMs = 1000): Promise<boolean> {
  if (!dataSource.isInitialized) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      dataSource.query('SELECT 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('readiness timeout')), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
