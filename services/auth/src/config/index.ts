import { baseEnvSchema, databaseConfig, loadConfig, type DatabaseConfig } from '@myhotel/common';
import { z } from 'zod';

const authEnvSchema = baseEnvSchema.extend({
  JWT_PRIVATE_KEY: z
    .string()
    .includes('BEGIN PRIVATE KEY', { message: 'must be an Ed25519 private key in PKCS#8 PEM' }),
  JWT_PREVIOUS_PUBLIC_KEY: z
    .string()
    .includes('BEGIN PUBLIC KEY', { message: 'must be a public key in SPKI PEM' })
    .optional(),
  JWT_KEY_ID: z.string().min(1).max(100).optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, { message: 'must be at least 12 characters' }).optional(),
  ADMIN_NAME: z.string().min(1).default('Administrator'),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_CLIENT: z.coerce.number().int().min(1).default(20),
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
});

export interface AuthConfig {
  env: z.output<typeof authEnvSchema>;
  db: DatabaseConfig;
}

export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const parsed = loadConfig(authEnvSchema, env);
  return { env: parsed, db: databaseConfig(parsed) };
}
