import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexConcurrently, setNotNull } from './online-ddl';

/**
 * Front desk, step 3 of 3 (outside a transaction, without blocking writers): the constraints
 * step 1 added NOT VALID are validated, guest and reference become NOT NULL, and the
 * indexes of the new filters and sorts are built concurrently.
 */
export class FrontDeskConstraints1765000000002 implements MigrationInterface {
  name = 'FrontDeskConstraints1765000000002';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    for (const [table, constraint] of [
      ['hotel.bookings', 'bookings_guest_id_fkey'],
      ['hotel.bookings', 'bookings_reference_check'],
      ['hotel.bookings', 'bookings_version_check'],
      ['hotel.rooms', 'rooms_housekeeping_check'],
      ['hotel.notifications', 'notifications_type_check'],
    ]) {
      await q.query(`ALTER TABLE ${table} VALIDATE CONSTRAINT ${constraint}`);
    }
    await setNotNull(q, 'hotel.bookings', 'guest_id');
    await setNotNull(q, 'hotel.bookings', 'reference');

    const indexes = [
      // a guest's bookings (the guest_id filter), newest first
      { name: 'bookings_guest_id_created_at_idx', on: 'hotel.bookings (guest_id, created_at DESC, id DESC)' },
      // polling for changes (updated_since, sort=updated_at)
      { name: 'bookings_updated_at_idx', on: 'hotel.bookings (updated_at, id)' },
      { name: 'bookings_check_in_idx', on: 'hotel.bookings (check_in, id)' },
      // the room list's and availability's sorts, and the housekeeping filter
      { name: 'rooms_number_order_idx', on: 'hotel.rooms (number COLLATE "C", id) WHERE deleted_at IS NULL' },
      {
        name: 'rooms_price_order_idx',
        on: 'hotel.rooms (price_per_night, number COLLATE "C", id) WHERE deleted_at IS NULL',
      },
      {
        name: 'rooms_capacity_order_idx',
        on: 'hotel.rooms (capacity, number COLLATE "C", id) WHERE deleted_at IS NULL',
      },
      {
        name: 'rooms_housekeeping_idx',
        on: 'hotel.rooms (housekeeping, number COLLATE "C", id) WHERE deleted_at IS NULL',
      },
    ];
    for (const index of indexes) await createIndexConcurrently(q, index);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of [
      'rooms_housekeeping_idx',
      'rooms_capacity_order_idx',
      'rooms_price_order_idx',
      'rooms_number_order_idx',
      'bookings_check_in_idx',
      'bookings_updated_at_idx',
      'bookings_guest_id_created_at_idx',
    ]) {
      await q.query(`DROP INDEX hotel.${index}`);
    }
    await q.query('ALTER TABLE hotel.bookings ALTER COLUMN reference DROP NOT NULL');
    await q.query('ALTER TABLE hotel.bookings ALTER COLUMN guest_id DROP NOT NULL');
  }
}
