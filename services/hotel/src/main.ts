import {
  createLogger,
  createMetrics,
  remoteKeySet,
  runMain,
  startService,
  type RunningServer,
} from '@myhotel/common';
import { createHotelApp, createWebhookWorker } from './app';
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
  if (config.env.WEBHOOK_ALLOW_PRIVATE_TARGETS) {
    logger.warn('WEBHOOK_ALLOW_PRIVATE_TARGETS: webhooks may be sent to private and loopback addresses');
  }
  const metrics = createMetrics('hotel');
  return startService({
    name: 'hotel',
    env: config.env,
    logger,
    dataSource,
    buildApp: (lifecycle) => createHotelApp({ config, dataSource, keys, logger, metrics, lifecycle }).app,
    background: config.env.WEBHOOK_WORKER_ENABLED
      ? [createWebhookWorker({ config, dataSource, logger, metrics })]
      : [],
  });
}

if (require.main === module) runMain(start);
