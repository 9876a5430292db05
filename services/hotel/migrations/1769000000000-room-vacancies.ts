import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The states that hold a room (records.ts' activeStatuses when this migration was written). */
const holdsRoom = `status IN ('pending', 'confirmed', 'checked_in')`;
const backfillBatch = 500;

/**
 * hotel.room_vacancies: each room's free time as maximal date ranges between the stays that
 * hold it (unbounded before the first and after the last), kept exact by triggers on the
 * writes of bookings and rooms. A stay fits a room exactly when one of its vacancies contains
 * the stay, so the rooms free for a stay are an SP-GiST index search whose cost follows how
 * many rooms are free, where the walk over all rooms in price order (availabilityQuery) costs
 * the whole inventory when few are: issue 15's scaling table, 10 000 rooms.
 *
 * Writes of a few stays split (a stay starts holding the room) or merge (it stops) the
 * vacancies around them, under a transaction-scoped advisory lock per room taken after the
 * booking rows are written (the room's row lock is not used: a booking being inserted waits
 * in the exclusion constraint for a concurrent cancellation of an overlapping stay, which
 * would then wait for the room). A statement that changes many stays (a bulk load, a reseed),
 * or a vacancy that does not fit what is being done, rebuilds the rooms involved from their
 * bookings instead. Runs in one transaction: the backfill sees every booking written before,
 * the triggers every one after (bookings are locked against writes during the backfill,
 * its duration to be measured).
 */
export class RoomVacancies1769000000000 implements MigrationInterface {
  name = 'RoomVacancies1769000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE hotel.room_vacancies (
        room_id uuid NOT NULL REFERENCES hotel.rooms (id) ON DELETE CASCADE,
        free daterange NOT NULL CONSTRAINT room_vacancies_free_check CHECK (NOT isempty(free))
      ) WITH (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02)`);
    // The search: index-only (room_id included); vacuumed often, so its visibility map stays current.
    await q.query(
      'CREATE INDEX room_vacancies_free_idx ON hotel.room_vacancies USING spgist (free) INCLUDE (room_id)',
    );
    // The writes: one room's vacancies.
    await q.query('CREATE INDEX room_vacancies_room_idx ON hotel.room_vacancies (room_id, free)');

    await q.query(`
      CREATE FUNCTION hotel.rebuild_room_vacancies(rooms uuid[]) RETURNS void LANGUAGE sql AS $$
        DELETE FROM hotel.room_vacancies WHERE room_id = ANY (rooms);
        INSERT INTO hotel.room_vacancies (room_id, free)
        SELECT room_id, daterange(free_from, free_until)
        FROM (
          SELECT b.room_id, lag(b.check_out) OVER (PARTITION BY b.room_id ORDER BY b.check_in) AS free_from,
                 b.check_in AS free_until
          FROM hotel.bookings b WHERE b.room_id = ANY (rooms) AND b.${holdsRoom}
          UNION ALL
          SELECT r.id, (SELECT max(b.check_out) FROM hotel.bookings b WHERE b.room_id = r.id AND b.${holdsRoom}), NULL
          FROM hotel.rooms r WHERE r.id = ANY (rooms)
        ) gaps
        WHERE free_from IS NULL OR free_until IS NULL OR free_from < free_until;
      $$`);
    // A stay starts holding its room: the vacancy around it becomes the parts before and after.
    await q.query(`
      CREATE FUNCTION hotel.occupy_room_vacancy(room uuid, stay daterange) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
          around daterange;
        BEGIN
          DELETE FROM hotel.room_vacancies v WHERE v.room_id = room AND v.free @> stay RETURNING v.free INTO around;
          IF around IS NULL THEN
            PERFORM hotel.rebuild_room_vacancies(ARRAY[room]);
            RETURN;
          END IF;
          INSERT INTO hotel.room_vacancies (room_id, free)
          SELECT room, part
          FROM (VALUES (daterange(lower(around), lower(stay))), (daterange(upper(stay), upper(around)))) AS parts (part)
          WHERE NOT isempty(part);
        END $$`);
    // A stay stops holding its room: it joins the vacancies that end where it starts and start where it ends.
    await q.query(`
      CREATE FUNCTION hotel.release_room_vacancy(room uuid, stay daterange) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
          merged daterange := stay;
          neighbour daterange;
        BEGIN
          IF EXISTS (SELECT 1 FROM hotel.room_vacancies v WHERE v.room_id = room AND v.free && stay) THEN
            PERFORM hotel.rebuild_room_vacancies(ARRAY[room]);
            RETURN;
          END IF;
          FOR neighbour IN
            DELETE FROM hotel.room_vacancies v WHERE v.room_id = room AND v.free -|- stay RETURNING v.free
          LOOP
            merged := merged + neighbour;
          END LOOP;
          INSERT INTO hotel.room_vacancies (room_id, free) VALUES (room, merged);
        END $$`);
    await q.query(`
      CREATE FUNCTION hotel.track_room_vacancies() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          released daterange[] := '{}';
          released_rooms uuid[] := '{}';
          occupied daterange[] := '{}';
          occupied_rooms uuid[] := '{}';
          rooms uuid[];
        BEGIN
          -- (a statement naming a transition table its trigger does not have fails to plan)
          IF TG_OP = 'INSERT' THEN
            SELECT coalesce(array_agg(n.room_id), '{}'), coalesce(array_agg(daterange(n.check_in, n.check_out)), '{}')
            INTO occupied_rooms, occupied
            FROM new_bookings n WHERE n.${holdsRoom};
          ELSIF TG_OP = 'DELETE' THEN
            SELECT coalesce(array_agg(o.room_id), '{}'), coalesce(array_agg(daterange(o.check_in, o.check_out)), '{}')
            INTO released_rooms, released
            FROM old_bookings o WHERE o.${holdsRoom};
          ELSE
            -- the stays that changed: held before and not the same after, held after and not the same before
            SELECT coalesce(array_agg(o.room_id), '{}'), coalesce(array_agg(daterange(o.check_in, o.check_out)), '{}')
            INTO released_rooms, released
            FROM old_bookings o JOIN new_bookings n ON n.id = o.id
            WHERE o.${holdsRoom} AND NOT (n.${holdsRoom} AND (n.room_id, n.check_in, n.check_out) = (o.room_id, o.check_in, o.check_out));
            SELECT coalesce(array_agg(n.room_id), '{}'), coalesce(array_agg(daterange(n.check_in, n.check_out)), '{}')
            INTO occupied_rooms, occupied
            FROM old_bookings o JOIN new_bookings n ON n.id = o.id
            WHERE n.${holdsRoom} AND NOT (o.${holdsRoom} AND (n.room_id, n.check_in, n.check_out) = (o.room_id, o.check_in, o.check_out));
          END IF;
          SELECT coalesce(array_agg(DISTINCT room ORDER BY room), '{}') INTO rooms
          FROM unnest(released_rooms || occupied_rooms) AS room;
          IF cardinality(rooms) = 0 THEN
            RETURN NULL;
          END IF;
          -- One room's vacancies change one transaction at a time, in room order (no deadlock
          -- between two statements of many rooms); a statement after the lock sees the last
          -- committed ones.
          PERFORM pg_advisory_xact_lock(hashtext('hotel.room_vacancies'), hashtext(room::text))
          FROM unnest(rooms) AS room ORDER BY room;
          IF cardinality(released) + cardinality(occupied) > 32 THEN
            PERFORM hotel.rebuild_room_vacancies(rooms);
            RETURN NULL;
          END IF;
          FOR i IN 1 .. cardinality(released) LOOP
            PERFORM hotel.release_room_vacancy(released_rooms[i], released[i]);
          END LOOP;
          FOR i IN 1 .. cardinality(occupied) LOOP
            PERFORM hotel.occupy_room_vacancy(occupied_rooms[i], occupied[i]);
          END LOOP;
          RETURN NULL;
        END $$`);
    await q.query(`
      CREATE TRIGGER bookings_track_vacancies_insert AFTER INSERT ON hotel.bookings
        REFERENCING NEW TABLE AS new_bookings FOR EACH STATEMENT EXECUTE FUNCTION hotel.track_room_vacancies()`);
    await q.query(`
      CREATE TRIGGER bookings_track_vacancies_update AFTER UPDATE ON hotel.bookings
        REFERENCING OLD TABLE AS old_bookings NEW TABLE AS new_bookings
        FOR EACH STATEMENT EXECUTE FUNCTION hotel.track_room_vacancies()`);
    await q.query(`
      CREATE TRIGGER bookings_track_vacancies_delete AFTER DELETE ON hotel.bookings
        REFERENCING OLD TABLE AS old_bookings FOR EACH STATEMENT EXECUTE FUNCTION hotel.track_room_vacancies()`);
    // A new room is free all the time; emptied bookings free every room.
    await q.query(`
      CREATE FUNCTION hotel.free_new_rooms() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO hotel.room_vacancies (room_id, free) SELECT r.id, daterange(NULL, NULL) FROM new_rooms r;
          RETURN NULL;
        END $$`);
    await q.query(`
      CREATE TRIGGER rooms_free_new AFTER INSERT ON hotel.rooms
        REFERENCING NEW TABLE AS new_rooms FOR EACH STATEMENT EXECUTE FUNCTION hotel.free_new_rooms()`);
    await q.query(`
      CREATE FUNCTION hotel.free_all_rooms() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          DELETE FROM hotel.room_vacancies;
          INSERT INTO hotel.room_vacancies (room_id, free) SELECT r.id, daterange(NULL, NULL) FROM hotel.rooms r;
          RETURN NULL;
        END $$`);
    await q.query(`
      CREATE TRIGGER bookings_truncate_frees_rooms AFTER TRUNCATE ON hotel.bookings
        FOR EACH STATEMENT EXECUTE FUNCTION hotel.free_all_rooms()`);

    await q.query('LOCK TABLE hotel.rooms, hotel.bookings IN SHARE ROW EXCLUSIVE MODE');
    // In batches of rooms: each statement stays well inside the statement timeout.
    const rooms = (await q.query('SELECT id FROM hotel.rooms ORDER BY id')) as Array<{ id: string }>;
    for (let start = 0; start < rooms.length; start += backfillBatch) {
      const batch = rooms.slice(start, start + backfillBatch).map((room) => room.id);
      await q.query('SELECT hotel.rebuild_room_vacancies($1::uuid[])', [batch]);
    }
    await q.query('ANALYZE hotel.room_vacancies');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER bookings_truncate_frees_rooms ON hotel.bookings');
    await q.query('DROP TRIGGER rooms_free_new ON hotel.rooms');
    await q.query('DROP TRIGGER bookings_track_vacancies_delete ON hotel.bookings');
    await q.query('DROP TRIGGER bookings_track_vacancies_update ON hotel.bookings');
    await q.query('DROP TRIGGER bookings_track_vacancies_insert ON hotel.bookings');
    await q.query(
      'DROP FUNCTION hotel.free_all_rooms(), hotel.free_new_rooms(), hotel.track_room_vacancies()',
    );
    await q.query(
      'DROP FUNCTION hotel.release_room_vacancy(uuid, daterange), hotel.occupy_room_vacancy(uuid, daterange), hotel.rebuild_room_vacancies(uuid[])',
    );
    await q.query('DROP TABLE hotel.room_vacancies');
  }
}
