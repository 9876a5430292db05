import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's config schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates configuration once, at start-up. Every problem names the variable,
 * e.g. `DATABASE_URL: Required` or `PORT: Too big: expected number to be <=65535`.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
  );
}

const port = z.coerce.number().int().min(1).max(65535);

/** A comma-separated list of exact origins (`scheme://host[:port]`, no path); empty = none. */
const originList = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const origins = value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    for (const origin of origins) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(origin);
      } catch {
        // reported below
      }
      if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
        ctx.addIssue({
          code: 'custom',
          message: `"${origin}" is not an origin like https://app.example.com`,
        });
      }
    }
    return origins;
  });
const positiveInt = z.coerce.number().int().min(0);

/** Variables every service reads. Compose with `.extend({...})` for service-specific ones. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
  PORT: port.default(8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_HOST: z.string().min(1).optional(),
  DATABASE_PORT: port.default(5432),
  DATABASE_NAME: z.string().min(1).default('myhotel'),
  DATABASE_USER: z.string().min(1).optional(),
  DATABASE_PASSWORD: z.string().min(1).optional(),
  DATABASE_SSL: z.enum(['disable', 'require', 'verify-full']).default('disable'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DB_STATEMENT_TIMEOUT_MS: positiveInt.default(5000),
  DB_CONNECT_TIMEOUT_MS: positiveInt.default(3000),
  DB_PREPARED_STATEMENTS: z.stringbool().default(true),
  SHUTDOWN_DELAY_MS: positiveInt.default(0),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10000),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  CORS_ALLOWED_ORIGINS: originList,
  JWT_ISSUER: z.string().min(1),
  JWT_AUDIENCE: z.string().min(1),
});

export type BaseEnv = z.output<typeof baseEnvSchema>;

export interface DatabaseConfig {
  connectionString?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  ssl: false | { rejectUnauthorized: boolean };
  poolMax: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  /** Named statements (key lookups, see SqlQuery) prepared per connection; off behind a pooler that cannot keep them. */
  preparedStatements: boolean;
}

/** Either DATABASE_URL or DATABASE_HOST + DATABASE_USER + DATABASE_PASSWORD must be given. */
export function databaseConfig(env: BaseEnv): DatabaseConfig {
  const ssl =
    env.DATABASE_SSL === 'disable' ? false : { rejectUnauthorized: env.DATABASE_SSL === 'verify-full' };
  const common = {
    ssl,
    poolMax: env.DB_POOL_MAX,
    statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    preparedStatements: env.DB_PREPARED_STATEMENTS,
  } as const;
  if (env.DATABASE_URL) return { connectionString: env.DATABASE_URL, ...common };
  const missing = (['DATABASE_HOST', 'DATABASE_USER', 'DATABASE_PASSWORD'] as const).filter(
    (name) => !env[name],
  );
  if (missing.length > 0) {
    throw new ConfigError(missing.map((name) => `${name}: Required when DATABASE_URL is not set`));
  }
  return {
    host: env.DATABASE_HOST,
    port: env.DATABASE_PORT,
    database: env.DATABASE_NAME,
    user: env.DATABASE_USER,
    password: env.DATABASE_PASSWORD,
    ...common,
  };
}
