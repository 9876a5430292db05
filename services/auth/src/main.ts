import { createLogger, createMetrics, runMain, startService, type RunningServer } from '@myhotel/common';
import { createAuthApp } from './app';
import { loadAuthConfig } from './config';
import { createAuthDataSource } from './data/data-source';
import { loadSigningKeys } from './domain/signing-keys';

/** Starts the auth service; resolves once it listens. */
export async function start(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const config = loadAuthConfig(env);
  const logger = createLogger('auth', config.env.LOG_LEVEL);
  const keys = await loadSigningKeys(
    config.env.JWT_PRIVATE_KEY,
    config.env.JWT_KEY_ID,
    config.env.JWT_PREVIOUS_PUBLIC_KEY,
  );
  const dataSource = createAuthDataSource(config.db);
  return startService({
    name: 'auth',
    env: config.env,
    logger,
    dataSource,
    buildApp: async (lifecycle) => {
      const { app, users } = createAuthApp({
        config,
        dataSource,
        keys,
        logger,
        metrics: createMetrics('auth'),
        lifecycle,
      });
      const { ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_NAME } = config.env;
      if (
        ADMIN_EMAIL &&
        ADMIN_PASSWORD &&
        (await users.ensureAdmin({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD, name: ADMIN_NAME }))
      ) {
        logger.info({ email: ADMIN_EMAIL }, 'first admin created');
      }
      return app;
    },
  });
}

if (require.main === module) runMain(start);
