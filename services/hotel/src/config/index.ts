import { baseEnvSchema, databaseConfig, loadConfig, type DatabaseConfig } from '@myhotel/common';
import { z } from 'zod';

const hotelEnvSchema = baseEnvSchema.extend({
  /** auth's public keys, e.g. http://auth:8080/.well-known/jwks.json (no secret is shared). */
  JWKS_URL: z.url({ protocol: /^https?$/ }),
  /** Keys are refetched after this long; if auth is down then, the cached keys keep working. */
  JWKS_CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
  /** At most one refetch per this period for unknown key ids or after a failed fetch. */
  JWKS_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  IDEMPOTENCY_KEY_TTL_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  /**
   * Webhooks may be delivered to loopback, private, link-local and other non-public addresses
   * (tests, a local receiver). Never in production: it opens the door to server-side request
   * forgery against the cluster's own services.
   */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z.stringbool().default(false),
  /** Run the delivery worker in this process (false: an API-only replica; events still queue). */
  WEBHOOK_WORKER_ENABLED: z.stringbool().default(true),
  /** How often an idle worker looks for due deliveries. */
  WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** The first retry's delay; each further one is 3 times longer (up to 4 h), with jitter. */
  WEBHOOK_RETRY_INITIAL_MS: z.coerce.number().int().min(10).max(3_600_000).default(5000),
  /** How long after its event a delivery is retried before it is given up. */
  WEBHOOK_RETRY_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(86_400),
});

export interface HotelConfig {
  env: z.output<typeof hotelEnvSchema>;
  db: DatabaseConfig;
}

export function loadHotelConfig(env: NodeJS.ProcessEnv = process.env): HotelConfig {
  const parsed = loadConfig(hotelEnvSchema, env);
  return { env: parsed, db: databaseConfig(parsed) };
}
