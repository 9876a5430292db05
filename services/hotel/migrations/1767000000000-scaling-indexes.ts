import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexConcurrently } from './online-ddl';

/**
 * Indexes that keep the cost of two hot reads off the size of the data (issue 15's scaling
 * table), built concurrently, outside a transaction, without blocking writers:
 *
 * - bookings_status_check_in_idx: the staff booking list's date window (`from`, `to`) with a
 *   status reads the stays that can overlap the window, not every booking of the status in
 *   created_at order (25–170 ms at 200 000 bookings before, under 10 ms after).
 * - bookings_active_room_check_in_idx: availability's probe of a room, the active booking that
 *   starts last before the stay ends (see availabilityQuery), one index-only step per room;
 *   partial, so a room's past (checked-out, cancelled) bookings never enter the probe.
 */
export class ScalingIndexes1767000000000 implements MigrationInterface {
  name = 'ScalingIndexes1767000000000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await createIndexConcurrently(q, {
      name: 'bookings_status_check_in_idx',
      on: 'hotel.bookings (status, check_in)',
    });
    await createIndexConcurrently(q, {
      name: 'bookings_active_room_check_in_idx',
      on: `hotel.bookings (room_id, check_in DESC) INCLUDE (check_out) WHERE status IN ('pending', 'confirmed', 'checked_in')`,
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX hotel.bookings_active_room_check_in_idx');
    await q.query('DROP INDEX hotel.bookings_status_check_in_idx');
  }
}
