import { createLogger, runMain } from '@myhotel/common';
import { loadHotelConfig } from '../config';
import { createHotelDataSource } from '../data/data-source';
import { RoomRepository, type NewRoom } from '../data/room-repository';

/** A dozen rooms of several types, capacities and prices; one is in maintenance. */
export const demoRooms: NewRoom[] = [
  { number: '101', type: 'single', capacity: 1, pricePerNight: '55.00', status: 'available' },
  { number: '102', type: 'single', capacity: 1, pricePerNight: '55.00', status: 'available' },
  { number: '103', type: 'single', capacity: 1, pricePerNight: '59.50', status: 'maintenance' },
  { number: '201', type: 'double', capacity: 2, pricePerNight: '89.00', status: 'available' },
  { number: '202', type: 'double', capacity: 2, pricePerNight: '89.00', status: 'available' },
  { number: '203', type: 'double', capacity: 2, pricePerNight: '95.00', status: 'available' },
  { number: '204', type: 'twin', capacity: 2, pricePerNight: '85.00', status: 'available' },
  { number: '205', type: 'twin', capacity: 2, pricePerNight: '85.00', status: 'available' },
  { number: '301', type: 'family', capacity: 4, pricePerNight: '140.00', status: 'available' },
  { number: '302', type: 'family', capacity: 5, pricePerNight: '155.00', status: 'available' },
  { number: '401', type: 'suite', capacity: 3, pricePerNight: '220.00', status: 'available' },
  { number: '402', type: 'suite', capacity: 4, pricePerNight: '310.00', status: 'available' },
];

/**
 * Inserts the demo rooms only if there are no rooms yet (idempotent; safe on every start).
 * Returns the number of rooms inserted.
 */
export async function seedDemo(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = loadHotelConfig(env);
  const dataSource = createHotelDataSource(config.db);
  await dataSource.initialize();
  try {
    return await new RoomRepository(dataSource).seedIfEmpty(demoRooms);
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  runMain(async () => {
    const inserted = await seedDemo();
    createLogger('hotel-seed', 'info').info(
      { inserted },
      inserted ? 'demo rooms inserted' : 'rooms exist; nothing seeded',
    );
  });
}
