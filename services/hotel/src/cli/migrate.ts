import { migrateService, runMigrationCommand } from '@myhotel/common';
import { loadHotelConfig } from '../config';
import { createHotelDataSource } from '../data/data-source';

/** Applies hotel's pending migrations (advisory-locked: safe when replicas run it at once). */
export function migrateHotel(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  return migrateService(createHotelDataSource(loadHotelConfig(env).db), 'myhotel:hotel:migrations');
}

if (require.main === module) runMigrationCommand('hotel', () => migrateHotel());
