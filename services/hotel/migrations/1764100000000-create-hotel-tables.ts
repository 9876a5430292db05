import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hotel schema. Overlapping stays of one room are impossible by construction: the exclusion
 * constraint `bookings_no_overlap` (btree_gist, created in `public` by db/bootstrap) covers
 * every booking in an active state; its GiST index also serves availability searches.
 */
export class CreateHotelTables1764100000000 implements MigrationInterface {
  name = 'CreateHotelTables1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE hotel.rooms (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number text NOT NULL CHECK (number ~ '^[A-Za-z0-9-]{1,10}$'),
        type text NOT NULL CHECK (length(type) BETWEEN 1 AND 50),
        capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 20),
        price_per_night numeric(10, 2) NOT NULL CHECK (price_per_night >= 0 AND price_per_night <= 999999.99),
        status text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'occupied', 'maintenance')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    // Numbers are unique among rooms that exist; a deleted room's number can be reused.
    await q.query(`CREATE UNIQUE INDEX rooms_number_key ON hotel.rooms (number) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX rooms_type_idx ON hotel.rooms (type) WHERE deleted_at IS NULL`);

    await q.query(`
      CREATE TABLE hotel.bookings (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        room_id uuid NOT NULL REFERENCES hotel.rooms (id) ON DELETE RESTRICT,
        check_in date NOT NULL,
        check_out date NOT NULL,
        guests integer NOT NULL CHECK (guests BETWEEN 1 AND 20),
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'confirmed', 'checked_in', 'checked_out', 'cancelled', 'no_show')),
        price_per_night numeric(10, 2) NOT NULL CHECK (price_per_night >= 0),
        total_price numeric(12, 2) NOT NULL,
        notes text CHECK (length(notes) <= 500),
        created_by uuid NOT NULL,
        cancelled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bookings_dates_check CHECK (check_out > check_in),
        CONSTRAINT bookings_stay_length_check CHECK (check_out - check_in <= 30),
        CONSTRAINT bookings_total_price_check CHECK (total_price = price_per_night * (check_out - check_in)),
        CONSTRAINT bookings_cancelled_at_check CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
        CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, daterange(check_in, check_out) WITH &&)
          WHERE (status IN ('pending', 'confirmed', 'checked_in'))
      )`);
    await q.query(
      `CREATE INDEX bookings_user_id_created_at_idx ON hotel.bookings (user_id, created_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX bookings_created_at_idx ON hotel.bookings (created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX bookings_status_created_at_idx ON hotel.bookings (status, created_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX bookings_room_id_check_in_idx ON hotel.bookings (room_id, check_in)`);

    for (const table of ['check_ins', 'check_outs']) {
      await q.query(`
        CREATE TABLE hotel.${table} (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          booking_id uuid NOT NULL REFERENCES hotel.bookings (id) ON DELETE CASCADE,
          performed_by uuid NOT NULL,
          performed_at timestamptz NOT NULL DEFAULT now(),
          CONSTRAINT ${table}_booking_id_key UNIQUE (booking_id)
        )`);
    }

    await q.query(`
      CREATE TABLE hotel.notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        booking_id uuid REFERENCES hotel.bookings (id) ON DELETE SET NULL,
        type text NOT NULL CHECK (type IN ('booking_created', 'booking_confirmed', 'booking_cancelled',
          'booking_checked_in', 'booking_checked_out', 'booking_no_show')),
        message text NOT NULL CHECK (length(message) BETWEEN 1 AND 1000),
        read_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX notifications_user_id_created_at_idx ON hotel.notifications (user_id, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX notifications_unread_idx ON hotel.notifications (user_id, created_at DESC, id DESC) WHERE read_at IS NULL`,
    );
    await q.query(`CREATE INDEX notifications_booking_id_idx ON hotel.notifications (booking_id)`);

    // Idempotency-Key of POST /api/bookings: claimed, and completed with the response, in the
    // booking's own transaction; the primary key makes a concurrent duplicate wait and replay.
    await q.query(`
      CREATE TABLE hotel.idempotency_keys (
        user_id uuid NOT NULL,
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
        request_hash text NOT NULL,
        response_status integer CHECK (response_status BETWEEN 200 AND 599),
        response_body json, -- json keeps the key order: a replay is byte-identical
        booking_id uuid REFERENCES hotel.bookings (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_at_idx ON hotel.idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hotel.idempotency_keys');
    await q.query('DROP TABLE hotel.notifications');
    await q.query('DROP TABLE hotel.check_outs');
    await q.query('DROP TABLE hotel.check_ins');
    await q.query('DROP TABLE hotel.bookings');
    await q.query('DROP TABLE hotel.rooms');
  }
}
