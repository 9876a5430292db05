/**
 * The hotel service's public entry: what other packages (the launcher, the test harnesses,
 * the benchmark) may use. Everything else under src/ is internal and may change freely.
 */
export { start } from './main';
export { migrateHotel } from './cli/migrate';
export { seedDemo } from './cli/seed-demo';
export { createHotelApp, createWebhookWorker } from './app';
export { loadHotelConfig, type HotelConfig } from './config';
export { createHotelDataSource } from './data/data-source';
/** The SQL of the hot paths, which the benchmark's bare baseline server runs as is. */
export {
  bookingListQuery,
  bookingChangeStatements,
  bookingCreateStatements,
} from './data/booking-repository';
export { guestSearchQuery } from './data/guest-repository';
export { notificationListQuery } from './data/notification-repository';
export { availabilityQuery, roomByIdQuery, roomListQuery } from './data/room-repository';
export { newBookingReference } from './domain/references';
