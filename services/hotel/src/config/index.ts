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
});

export interface HotelConfig {
  env: z.output<typeof hotelEnvSchema>;
  db: DatabaseConfig;
}

export function loadHotelConfig(env: NodeJS.ProcessEnv = process.env): HotelConfig {
  const parsed = loadConfig(hotelEnvSchema, env);
  return { env: parsed, db: databaseConfig(parsed) };
}
