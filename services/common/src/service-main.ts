import type { Express } from 'express';
import type { DataSource } from 'typeorm';
import type { BaseEnv } from './config';
import { ConfigError } from './config';
import { migrate } from './db';
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

/** Applies a service's migrations with its own pool, closed afterwards. */
export async function migrateService(dataSource: DataSource, lockName: string): Promise<string[]> {
  await dataSource.initialize();
  try {
    return await migrate(dataSource, lockName);
  } finally {
    await dataSource.destroy();
  }
}

/** The migrate command of a service: applies its migrations and logs what it applied. */
export function runMigrationCommand(service: string, migrate: () => Promise<string[]>): void {
  runMain(async () => {
    const applied = await migrate();
    createLogger(`${service}-migrate`, 'info').info(
      { applied },
      applied.length ? 'migrations applied' : 'schema up to date',
    );
  });
}

/** Runs an entry point; a config error prints only its message (which names the variable). */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
