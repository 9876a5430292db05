import {
  createServiceApp,
  createTokenVerifier,
  databaseReachable,
  findApiSpec,
  postToPublicUrl,
  type Lifecycle,
  type Logger,
  type Metrics,
} from '@myhotel/common';
import type { Express } from 'express';
import type { JWTVerifyGetKey } from 'jose';
import type { DataSource } from 'typeorm';
import { hotelRoutes } from './api/routes';
import type { HotelConfig } from './config';
import { BookingRepository } from './data/booking-repository';
import { GuestRepository } from './data/guest-repository';
import { NotificationRepository } from './data/notification-repository';
import { RoomRepository } from './data/room-repository';
import { WebhookQueue } from './data/webhook-queue';
import { WebhookRepository } from './data/webhook-repository';
import { BookingService } from './domain/bookings';
import { todayUtc } from './domain/dates';
import { GuestService } from './domain/guests';
import { NotificationService } from './domain/notifications';
import { RoomService } from './domain/rooms';
import { WebhookDispatcher, type Send } from './domain/webhook-delivery';
import { WebhookService } from './domain/webhooks';
import { webhookMetrics } from './webhook-metrics';

const hotelApiSpec = findApiSpec('hotel.yaml', __dirname);

/** /docs lives here: the reference of both APIs (each spec is served by its own service). */
const referencePages = {
  apis: { auth: 'MyHotel auth API', hotel: 'MyHotel hotel API' },
  // A root devDependency; the image carries this one file of it (see the Dockerfile).
  redocScript: require.resolve('redoc/bundles/redoc.standalone.js'),
};

export interface HotelAppDeps {
  config: HotelConfig;
  dataSource: DataSource;
  /**
   * Keys that verify auth's access tokens: `remoteKeySet(JWKS_URL)` in production,
   * `localKeySet(jwks)` in in-process tests. Hotel trusts the token's `role` claim, which
   * can be stale by at most the token lifetime (15 minutes) after an admin changes a role.
   */
  keys: JWTVerifyGetKey;
  logger: Logger;
  metrics: Metrics;
  lifecycle: Lifecycle;
  /** The current UTC date, 'YYYY-MM-DD' (injectable for tests). */
  today?: () => string;
  /** Draws a booking reference (injectable for tests: collisions are too rare to meet by chance). */
  newReference?: () => string;
}

export interface HotelApp {
  app: Express;
  rooms: RoomService;
  guests: GuestService;
  bookings: BookingService;
  notifications: NotificationService;
  webhooks: WebhookService;
}

export function createHotelApp({
  config,
  dataSource,
  keys,
  logger,
  metrics,
  lifecycle,
  today = () => todayUtc(),
  newReference,
}: HotelAppDeps): HotelApp {
  const { env } = config;
  const rooms = new RoomService(new RoomRepository(dataSource), today);
  const guests = new GuestService(new GuestRepository(dataSource));
  const bookings = new BookingService(
    new BookingRepository(dataSource),
    { idempotencyKeyTtlHours: env.IDEMPOTENCY_KEY_TTL_HOURS },
    today,
    newReference,
  );
  const notifications = new NotificationService(new NotificationRepository(dataSource));
  const webhooks = new WebhookService(new WebhookRepository(dataSource), {
    allowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
  });
  const app = createServiceApp({
    apiSpec: hotelApiSpec,
    logger,
    metrics,
    lifecycle,
    ready: () => databaseReachable(dataSource),
    verifyToken: createTokenVerifier({ issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, keys }),
    routes: hotelRoutes({ rooms, guests, bookings, notifications, webhooks }),
    validateResponses: env.NODE_ENV !== 'production',
    trustProxy: env.TRUST_PROXY,
    corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS,
    apiDocs: { spec: { name: 'hotel', path: hotelApiSpec }, pages: referencePages },
  });
  return { app, rooms, guests, bookings, notifications, webhooks };
}

export interface WebhookWorkerDeps {
  config: HotelConfig;
  dataSource: DataSource;
  logger: Logger;
  metrics: Metrics;
  /** Sends one attempt (default: postToPublicUrl, which refuses non-public addresses unless allowed). */
  send?: Send;
}

/** The webhook delivery worker of this process (started by `start()` unless WEBHOOK_WORKER_ENABLED=false). */
export function createWebhookWorker({
  config: { env },
  dataSource,
  logger,
  metrics,
  send = postToPublicUrl,
}: WebhookWorkerDeps): WebhookDispatcher {
  return new WebhookDispatcher(
    new WebhookQueue(dataSource),
    send,
    {
      allowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      pollIntervalMs: env.WEBHOOK_POLL_INTERVAL_MS,
      retryInitialMs: env.WEBHOOK_RETRY_INITIAL_MS,
      retryWindowMs: env.WEBHOOK_RETRY_WINDOW_SECONDS * 1000,
    },
    webhookMetrics(metrics.registry),
    logger,
  );
}
