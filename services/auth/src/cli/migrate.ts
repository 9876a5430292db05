import { type MigrateOptions, migrateService, runMigrationCommand } from '@myhotel/common';
import { loadAuthConfig } from '../config';
import { createAuthDataSource } from '../data/data-source';

/** Applies auth's pending migrations (advisory-locked: safe when replicas run it at once). */
export function migrateAuth(
  env: NodeJS.ProcessEnv = process.env,
  options: MigrateOptions = {},
): Promise<string[]> {
  return migrateService(createAuthDataSource(loadAuthConfig(env).db), 'myhotel:auth:migrations', options);
}

if (require.main === module) runMigrationCommand('auth', (options) => migrateAuth(process.env, options));
