import { createDataSource, type DatabaseConfig } from '@myhotel/common';
import { CreateHotelTables1764100000000 } from '../../migrations/1764100000000-create-hotel-tables';

const hotelMigrations = [CreateHotelTables1764100000000];

export function createHotelDataSource(db: DatabaseConfig) {
  return createDataSource({
    db,
    schema: 'hotel',
    applicationName: 'myhotel-hotel',
    migrations: hotelMigrations,
  });
}
