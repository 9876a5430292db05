import {
  createLogger,
  createMetrics,
  remoteKeySet,
  runMain,
  startService,
  type RunningServer,
} from '@myhotel/common';
import { createHotelApp } from './app';
import { loadHotelConfig } from './config';
import { createHotelDataSource } from './data/data-source';

/** Starts the hotel service; resolves once it listens. */
export async function start(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const config = loadHotelConfig(env);
  const logger = createLogger('hotel', config.env.LOG_LEVEL);
  const dataSource = createHotelDataSource(config.db);
  const keys = remoteKeySet(config.env.JWKS_URL, {
    cacheMaxAgeMs: config.env.JWKS_CACHE_MAX_AGE_SECONDS * 1000,
    cooldownMs: config.env.JWKS_COOLDOWN_SECONDS * 1000,
  });
  logger.info({ jwks: config.env.JWKS_URL }, 'verifying access tokens with auth JWKS');
  return startService({
    name: 'hotel',
    env: config.env,
    logger,
    dataSource,
    buildApp: (lifecycle) =>
      createHotelApp({ config, dataSource, keys, logger, metrics: createMetrics('hotel'), lifecycle }).app,
  });
}

if (require.main === module) runMain(start);
