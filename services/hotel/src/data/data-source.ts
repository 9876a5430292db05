import { createDataSource, type DatabaseConfig } from '@myhotel/common';
import { CreateHotelTables1764100000000 } from '../../migrations/1764100000000-create-hotel-tables';
import { FrontDeskTables1765000000000 } from '../../migrations/1765000000000-front-desk-tables';
import { FrontDeskBackfill1765000000001 } from '../../migrations/1765000000001-front-desk-backfill';
import { FrontDeskConstraints1765000000002 } from '../../migrations/1765000000002-front-desk-constraints';
import { Webhooks1766000000000 } from '../../migrations/1766000000000-webhooks';
import { ScalingIndexes1767000000000 } from '../../migrations/1767000000000-scaling-indexes';
import { AvailabilityCoveringIndex1768000000000 } from '../../migrations/1768000000000-availability-covering-index';
import { RoomVacancies1769000000000 } from '../../migrations/1769000000000-room-vacancies';

/** In order; exported for the upgrade test, which stops after the first to play the previous release. */
export const hotelMigrations = [
  CreateHotelTables1764100000000,
  FrontDeskTables1765000000000,
  FrontDeskBackfill1765000000001,
  FrontDeskConstraints1765000000002,
  Webhooks1766000000000,
  ScalingIndexes1767000000000,
  AvailabilityCoveringIndex1768000000000,
  RoomVacancies1769000000000,
];

export function createHotelDataSource(db: DatabaseConfig, migrations = hotelMigrations) {
  return createDataSource({ db, schema: 'hotel', applicationName: 'myhotel-hotel', migrations });
}
