import { type MigrateOptions, migrateService, runMigrationCommand } from '@myhotel/common';
import { loadHotelConfig } from '../config';
import { createHotelDataSource, hotelMigrations } from '../data/data-source';

/**
 * Applies hotel's pending migrations (advisory-locked: safe when replicas run it at once).
 * `upTo` stops after the named one (the upgrade test plays an earlier release's schema).
 */
export function migrateHotel(
  env: NodeJS.ProcessEnv = process.env,
  { upTo, ...options }: MigrateOptions & { upTo?: string } = {},
): Promise<string[]> {
  const through =
    upTo === undefined ? hotelMigrations.length : hotelMigrations.findIndex((m) => m.name === upTo) + 1;
  if (through === 0) throw new Error(`no hotel migration named ${upTo}`);
  return migrateService(
    createHotelDataSource(loadHotelConfig(env).db, hotelMigrations.slice(0, through)),
    'myhotel:hotel:migrations',
    options,
  );
}

if (require.main === module) runMigrationCommand('hotel', (options) => migrateHotel(process.env, options));
