import type { MigrationInterface, QueryRunner } from 'typeorm';

const statuses = `'pending', 'confirmed', 'checked_in', 'checked_out', 'cancelled', 'no_show'`;

/**
 * Front desk, step 1 of 3 (one transaction, no table rewrite, no long lock): guest profiles,
 * the booking audit trail, rooms' housekeeping, and the new booking columns — added nullable,
 * their constraints NOT VALID (checked for new rows at once, for existing rows by step 3).
 *
 * The previous release keeps inserting bookings while new pods roll out (and again after a
 * rollback): without a guest or a reference. The trigger `bookings_fill_legacy_insert` gives
 * such rows the account's guest profile (a placeholder, see below) and a reference, so the
 * NOT NULL of step 3 holds for every writer. Drop it once no pod of that release can run.
 *
 * A placeholder profile (`claims_pending`) stands for an account whose name and email hotel
 * has not seen yet: named "Guest " and the start of the account id, no email; the account's
 * next access token with `name`/`email` claims fills it in.
 */
export class FrontDeskTables1765000000000 implements MigrationInterface {
  name = 'FrontDeskTables1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE hotel.guests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        email text CHECK (length(email) <= 254),
        phone text CHECK (length(phone) BETWEEN 5 AND 30 AND phone ~ '^\\+?[0-9(][0-9 ().-]*[0-9]$'),
        phone_digits text GENERATED ALWAYS AS (regexp_replace(phone, '[^0-9]', '', 'g')) STORED,
        notes text CHECK (length(notes) <= 1000),
        user_id uuid,
        claims_pending boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT guests_claims_pending_check CHECK (NOT claims_pending OR user_id IS NOT NULL)
      )`);
    // An account has at most one profile (get-or-create races end here); walk-ins have none.
    await q.query(
      `CREATE UNIQUE INDEX guests_user_id_key ON hotel.guests (user_id) WHERE user_id IS NOT NULL`,
    );
    // Prefix search (LIKE 'abc%') and sort by name: C-collated keys serve both.
    await q.query(`CREATE INDEX guests_name_idx ON hotel.guests ((lower(name)) COLLATE "C", id)`);
    await q.query(
      `CREATE INDEX guests_email_idx ON hotel.guests ((lower(email)) COLLATE "C") WHERE email IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX guests_phone_digits_idx ON hotel.guests (phone_digits COLLATE "C") WHERE phone_digits IS NOT NULL`,
    );
    await q.query(`CREATE INDEX guests_created_at_idx ON hotel.guests (created_at, id)`);

    await q.query(`ALTER TABLE hotel.rooms ADD COLUMN housekeeping text NOT NULL DEFAULT 'clean'`);
    await q.query(`ALTER TABLE hotel.rooms ADD CONSTRAINT rooms_housekeeping_check
      CHECK (housekeeping IN ('clean', 'dirty', 'inspected')) NOT VALID`);

    await q.query(`ALTER TABLE hotel.bookings
      ADD COLUMN guest_id uuid,
      ADD COLUMN reference text,
      ADD COLUMN version integer NOT NULL DEFAULT 1,
      ALTER COLUMN user_id DROP NOT NULL`);
    await q.query(`ALTER TABLE hotel.bookings ADD CONSTRAINT bookings_guest_id_fkey
      FOREIGN KEY (guest_id) REFERENCES hotel.guests (id) NOT VALID`);
    await q.query(`ALTER TABLE hotel.bookings ADD CONSTRAINT bookings_reference_check
      CHECK (reference ~ '^MH-[2-9A-HJKMNP-TV-Z]{6}$') NOT VALID`);
    await q.query(
      `ALTER TABLE hotel.bookings ADD CONSTRAINT bookings_version_check CHECK (version >= 1) NOT VALID`,
    );

    await q.query(`
      CREATE TABLE hotel.booking_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        booking_id uuid NOT NULL REFERENCES hotel.bookings (id) ON DELETE CASCADE,
        actor_user_id uuid,
        action text NOT NULL
          CHECK (action IN ('created', 'changed', 'confirmed', 'cancelled', 'checked_in', 'checked_out', 'no_show')),
        from_status text CHECK (from_status IN (${statuses})),
        to_status text NOT NULL CHECK (to_status IN (${statuses})),
        changes jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(changes) = 'object'),
        override boolean NOT NULL DEFAULT false,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX booking_events_booking_id_at_idx ON hotel.booking_events (booking_id, at, id)`,
    );

    await q.query(`ALTER TABLE hotel.notifications DROP CONSTRAINT notifications_type_check`);
    await q.query(`ALTER TABLE hotel.notifications ADD CONSTRAINT notifications_type_check
      CHECK (type IN ('booking_created', 'booking_changed', 'booking_confirmed', 'booking_cancelled',
        'booking_checked_in', 'booking_checked_out', 'booking_no_show')) NOT VALID`);

    // A fresh reference for the back-fill and for the previous release's inserts: 'MH-' and six
    // characters of the reference alphabet, from gen_random_uuid()'s strong random bytes
    // (without the version and variant bytes; bytes ≥ 240 are skipped, so each of the 30
    // characters is equally likely), unused at the time of the call.
    await q.query(`
      CREATE FUNCTION hotel.new_booking_reference() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        alphabet constant text := '23456789ABCDEFGHJKMNPQRSTVWXYZ';
        random bytea;
        byte integer;
        candidate text;
      BEGIN
        LOOP
          candidate := 'MH-';
          WHILE length(candidate) < 9 LOOP
            random := uuid_send(gen_random_uuid());
            FOR i IN 0..15 LOOP
              CONTINUE WHEN i IN (6, 8);
              byte := get_byte(random, i);
              CONTINUE WHEN byte >= 240;
              candidate := candidate || substr(alphabet, byte % 30 + 1, 1);
              EXIT WHEN length(candidate) = 9;
            END LOOP;
          END LOOP;
          EXIT WHEN NOT EXISTS (SELECT 1 FROM hotel.bookings b WHERE b.reference = candidate);
        END LOOP;
        RETURN candidate;
      END $$`);
    // The guest profile of an account, created as a placeholder when it has none (race-safe).
    await q.query(`
      CREATE FUNCTION hotel.account_guest_id(account uuid) RETURNS uuid LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        profile uuid;
      BEGIN
        INSERT INTO hotel.guests (user_id, name, claims_pending)
        VALUES (account, 'Guest ' || left(account::text, 8), true)
        ON CONFLICT (user_id) WHERE user_id IS NOT NULL DO NOTHING;
        SELECT g.id INTO profile FROM hotel.guests g WHERE g.user_id = account;
        RETURN profile;
      END $$`);
    await q.query(`
      CREATE FUNCTION hotel.fill_legacy_booking() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.guest_id IS NULL AND NEW.user_id IS NOT NULL THEN
          NEW.guest_id := hotel.account_guest_id(NEW.user_id);
        END IF;
        IF NEW.reference IS NULL THEN
          NEW.reference := hotel.new_booking_reference();
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER bookings_fill_legacy_insert BEFORE INSERT ON hotel.bookings
      FOR EACH ROW WHEN (NEW.guest_id IS NULL OR NEW.reference IS NULL)
      EXECUTE FUNCTION hotel.fill_legacy_booking()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER bookings_fill_legacy_insert ON hotel.bookings');
    await q.query('DROP FUNCTION hotel.fill_legacy_booking()');
    await q.query('DROP FUNCTION hotel.account_guest_id(uuid)');
    await q.query('DROP FUNCTION hotel.new_booking_reference()');
    await q.query('DROP TABLE hotel.booking_events');
    await q.query(
      `ALTER TABLE hotel.bookings DROP COLUMN version, DROP COLUMN reference, DROP COLUMN guest_id`,
    );
    await q.query('ALTER TABLE hotel.rooms DROP COLUMN housekeeping');
    await q.query('DROP TABLE hotel.guests');
  }
}
