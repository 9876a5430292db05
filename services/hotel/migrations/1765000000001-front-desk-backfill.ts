import { isUniqueViolation } from '@myhotel/common';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexConcurrently } from './online-ddl';

/** Bookings filled per transaction: each batch holds its rows' locks only briefly. */
const batchSize = 1000;

/**
 * Front desk, step 2 of 3 (outside a transaction, in batches): every existing booking gets a
 * guest profile and a reference.
 *
 * - One placeholder profile per account that has bookings (see step 1), filled from the
 *   account's token claims the next time hotel sees it.
 * - References come from `hotel.new_booking_reference()`; the unique index is built first, so
 *   a batch that draws a reference twice fails as a whole and is drawn again.
 * - Each filled booking gets an audit event by the system (actor null): `changed`, with the
 *   reference and guest it was given.
 *
 * Re-runnable: the index build is, and each batch takes only bookings still without either.
 */
export class FrontDeskBackfill1765000000001 implements MigrationInterface {
  name = 'FrontDeskBackfill1765000000001';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await createIndexConcurrently(q, {
      name: 'bookings_reference_key',
      on: 'hotel.bookings (reference)',
      unique: true,
    });
    await q.query(`
      INSERT INTO hotel.guests (user_id, name, claims_pending)
      SELECT DISTINCT b.user_id, 'Guest ' || left(b.user_id::text, 8), true
      FROM hotel.bookings b WHERE b.guest_id IS NULL AND b.user_id IS NOT NULL
      ON CONFLICT (user_id) WHERE user_id IS NOT NULL DO NOTHING`);
    for (;;) {
      try {
        const filled = (await q.query(
          `WITH batch AS (
             SELECT b.id FROM hotel.bookings b WHERE b.guest_id IS NULL OR b.reference IS NULL
             ORDER BY b.id LIMIT $1 FOR UPDATE
           ), filled AS (
             UPDATE hotel.bookings b
             SET guest_id = COALESCE(b.guest_id, (SELECT g.id FROM hotel.guests g WHERE g.user_id = b.user_id)),
                 reference = COALESCE(b.reference, hotel.new_booking_reference())
             FROM batch WHERE b.id = batch.id
             RETURNING b.id, b.status, b.guest_id, b.reference
           )
           INSERT INTO hotel.booking_events (booking_id, actor_user_id, action, from_status, to_status, changes)
           SELECT id, NULL, 'changed', status, status, jsonb_build_object(
                    'reference', jsonb_build_object('from', NULL, 'to', reference),
                    'guest_id', jsonb_build_object('from', NULL, 'to', guest_id))
           FROM filled
           RETURNING booking_id`,
          [batchSize],
        )) as unknown[];
        if (filled.length === 0) return;
      } catch (err) {
        // The same reference drawn twice within one batch: draw the batch again.
        if (!isUniqueViolation(err, 'bookings_reference_key')) throw err;
      }
    }
  }

  async down(): Promise<void> {
    // Nothing to undo: step 1's down drops the columns this step filled.
  }
}
