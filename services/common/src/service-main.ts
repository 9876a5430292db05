import type { Express } from 'express';
import type { DataSource } from 'typeorm';
import type { BaseEnv } from './config';
import { ConfigError } from './config';
import { migrate } from './db';
import { isDatabaseUnavailable } from './db-errors';
import { exitOnSignals, Lifecycle, serve, type RunningServer } from './lifecycle';
import { createLogger, type Logger } from './logger';

export interface StartServiceOptions {
  name: string;
  env: BaseEnv;
  logger: Logger;
  dataSource: DataSource;
  /** Builds the app once the database pool is up (may do start-up work such as the first admin). */
  buildApp: (lifecycle: Lifecycle) => Express | Promise<Express>;
  /** Work besides serving requests (e.g. a delivery worker): started once listening, stopped before the pool closes. */
  background?: BackgroundTask[];
}

export interface BackgroundTask {
  start(): void;
  /** Resolves once the work in progress is done. */
  stop(): Promise<void>;
}

/** The common `start()` of a service: pool → app → listen → drain on SIGTERM. */
export async function startService({
  name,
  env,
  logger,
  dataSource,
  buildApp,
  background = [],
}: StartServiceOptions): Promise<RunningServer> {
  await dataSource.initialize();
  await warmPool(dataSource, Math.min(4, env.DB_POOL_MAX), logger);
  const lifecycle = new Lifecycle();
  const app = await buildApp(lifecycle);
  const running = await serve({
    app,
    port: env.PORT,
    lifecycle,
    logger,
    shutdownDelayMs: env.SHUTDOWN_DELAY_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    onClose: async () => {
      await Promise.all(background.map((task) => task.stop()));
      await dataSource.destroy();
    },
  });
  logger.info({ port: running.port }, `${name} listening`);
  for (const task of background) task.start();
  exitOnSignals(running, logger, env.SHUTDOWN_DELAY_MS + env.SHUTDOWN_TIMEOUT_MS + 2000);
  return running;
}

/**
 * Opens `connections` pool connections before the service listens: a new pod that turns Ready
 * in a rollout gets its share of traffic at once, and on a busy database host a connection
 * (TLS, SCRAM) can take seconds; requests then waited for one and failed at the connect
 * timeout (seen in the cluster test's upgrades). Best effort: a failure only logs, since
 * readiness reports the database anyway.
 */
async function warmPool(dataSource: DataSource, connections: number, logger: Logger): Promise<void> {
  const results = await Promise.allSettled(
    Array.from({ length: connections }, () => dataSource.query('SELECT 1')),
  );
  const failed = results.filter((r) => r.status === 'rejected').length;
  if (failed > 0) logger.warn({ failed, connections }, 'database pool warm-up: some connections failed');
}

export interface MigrateOptions {
  /**
   * How long to keep retrying a database that cannot serve yet (still starting, not reachable);
   * 0 fails at once. Other errors (bad password, bad SQL) always fail at once.
   */
  waitForDatabaseMs?: number;
  onWait?: (err: unknown, attempt: number) => void;
}

async function initializeWhenAvailable(
  dataSource: DataSource,
  { waitForDatabaseMs = 0, onWait }: MigrateOptions,
): Promise<void> {
  const deadline = Date.now() + waitForDatabaseMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await dataSource.initialize();
      return;
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() >= deadline) throw err;
      onWait?.(err, attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 500 * attempt)));
    }
  }
}

/** Applies a service's migrations with its own pool, closed afterwards. */
export async function migrateService(
  dataSource: DataSource,
  lockName: string,
  options: MigrateOptions = {},
): Promise<string[]> {
  await initializeWhenAvailable(dataSource, options);
  try {
    return await migrate(dataSource, lockName);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * How long a service image's migrate command (the Kubernetes init container) waits for its
 * database: on a fresh install PostgreSQL starts alongside and refuses connections until its
 * first initialisation is over (about 30 s), which used to cost a crash and a restart back-off.
 */
export const MIGRATION_DATABASE_WAIT_MS = 180_000;

/** The migrate command of a service: waits for the database, migrates, logs what it applied. */
export function runMigrationCommand(
  service: string,
  migrate: (options: MigrateOptions) => Promise<string[]>,
): void {
  const logger = createLogger(`${service}-migrate`, 'info');
  runMain(async () => {
    const applied = await migrate({
      waitForDatabaseMs: MIGRATION_DATABASE_WAIT_MS,
      onWait: (err, attempt) =>
        logger.warn(
          { attempt, reason: err instanceof Error ? err.message : String(err) },
          'database not available yet, retrying',
        ),
    });
    logger.info({ applied }, applied.length ? 'migrations applied' : 'schema up to date');
  });
}

/** Runs an entry point; a config error prints only its message (which names the variable). */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
