import { Client, types, type ClientConfig } from 'pg';
import { DataSource, type MixedList } from 'typeorm';
import type { DatabaseConfig } from './config';

// Keep DATE columns as 'YYYY-MM-DD' strings (pg would build a local-midnight Date);
// NUMERIC and BIGINT already arrive as strings and stay strings to the API edge.
types.setTypeParser(types.builtins.DATE, (value: string) => value);

type AnyQuery = (...args: unknown[]) => unknown;

/**
 * The pool's client class: when a query outlives `query_timeout` (an unresponsive server,
 * e.g. behind a network partition), pg rejects it but keeps the connection, with the query
 * still pending on it, and the next statement (the transaction's ROLLBACK) waits behind it
 * for another full timeout. Dropping the connection instead fails what is queued at once and
 * makes the pool discard it (TypeORM releases the connection with the error).
 */
class BoundedClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    // A connection error can arrive while nobody listens: between the pool handing a new
    // connection out (it stops listening) and TypeORM attaching its listener a promise tick
    // later, e.g. when the server's FATAL arrives in the same TCP read as ReadyForQuery. An
    // 'error' event without a listener kills the process; pg has already marked the client
    // unusable, so its next query fails and the pool discards it (a 503, not a crash).
    this.on('error', () => undefined);
    const query = this.query.bind(this) as AnyQuery;
    (this as unknown as { query: AnyQuery }).query = (...args) => {
      const result = query(...args);
      if (result instanceof Promise) {
        result.catch((err: unknown) => {
          if (err instanceof Error && err.message === 'Query read timeout') this.dropConnection();
        });
      }
      return result;
    };
  }

  private dropConnection(): void {
    (this as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }
}

export interface DataSourceOptions {
  db: DatabaseConfig;
  schema: string;
  applicationName: string;
  migrations: MixedList<string | (new () => unknown)>;
}

/** The DataSources whose lone statements run as named statements (see sql.ts). */
const preparing = new WeakSet<DataSource>();

export function preparesStatements(dataSource: DataSource): boolean {
  return preparing.has(dataSource);
}

export function createDataSource({ db, schema, applicationName, migrations }: DataSourceOptions): DataSource {
  const dataSource = new DataSource({
    type: 'postgres',
    ...(db.connectionString
      ? { url: db.connectionString }
      : { host: db.host, port: db.port, database: db.database, username: db.user, password: db.password }),
    ssl: db.ssl,
    schema,
    migrations: migrations as never,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    poolSize: db.poolMax,
    extra: {
      Client: BoundedClient,
      application_name: applicationName,
      connectionTimeoutMillis: db.connectTimeoutMs,
      statement_timeout: db.statementTimeoutMs,
      query_timeout: db.statementTimeoutMs + 1000,
      idle_in_transaction_session_timeout: 10000,
      idleTimeoutMillis: 30000,
    },
  });
  if (db.preparedStatements) preparing.add(dataSource);
  return dataSource;
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
