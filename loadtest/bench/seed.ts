import { Client } from 'pg';

export interface BenchDataSet {
  rooms: number;
  guests: number;
  bookings: number;
  notifications: number;
}

const firstNames = [
  'Ana',
  'Budi',
  'Siti',
  'Maria',
  'John',
  'Wei',
  'Aisha',
  'Carlos',
  'Yuki',
  'Olga',
  'Ahmad',
  'Fatima',
  'Lucas',
  'Emma',
  'Ravi',
  'Nadia',
  'Tomas',
  'Ines',
  'Kofi',
  'Mei',
];
const lastNames = [
  'Santoso',
  'Rahma',
  'Gonzalez',
  'Smith',
  'Zhang',
  'Khan',
  'Silva',
  'Tanaka',
  'Ivanova',
  'Hakim',
  'Nguyen',
  'Muller',
  'Rossi',
  'Kowalski',
  'Okafor',
  'Haddad',
  'Larsen',
  'Dubois',
  'Costa',
  'Sato',
  'Wijaya',
  'Putri',
  'Lim',
  'Garcia',
  'Novak',
];

/**
 * A realistic data set, written directly as the superuser: `rooms` rooms of five types,
 * `guests` guest profiles (the first 2 000 those of the accounts that book, the rest walk-ins;
 * names from a small list, so a name prefix matches many), and `bookingsPerRoom`
 * non-overlapping stays per room spread over a year (half past, half future) with a realistic
 * mix of states, references, their check-in/out records and notifications.
 */
export async function seedBenchData(
  superuserUrl: string,
  rooms: number,
  guests: number,
  bookingsPerRoom: number,
): Promise<BenchDataSet> {
  const client = new Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO hotel.rooms (number, type, capacity, price_per_night, status)
       SELECT 'B' || lpad(i::text, 5, '0'),
              (ARRAY['single','double','twin','family','suite'])[1 + i % 5],
              (ARRAY[1, 2, 2, 4, 3])[1 + i % 5],
              (ARRAY[60, 95, 90, 140, 260])[1 + i % 5] + (i % 7) * 5 + 0.50,
              CASE WHEN i % 50 = 0 THEN 'maintenance' ELSE 'available' END
       FROM generate_series(1, $1::int) AS i`,
      [rooms],
    );
    // Guest k: an account's profile for k < 2000 (the accounts bookings are spread over).
    await client.query(
      `INSERT INTO hotel.guests (name, email, phone, user_id, created_at)
       SELECT f.name || ' ' || l.name, lower(f.name || '.' || l.name || '.' || k || '@example.com'),
              '+62 8' || lpad((abs(hashtext('phone' || k)) % 1000000000)::text, 9, '0'),
              CASE WHEN k < 2000 THEN md5('guest' || k)::uuid END,
              now() - (k % 700) * interval '1 day'
       FROM generate_series(0, $1::int - 1) AS k
       JOIN unnest($2::text[]) WITH ORDINALITY AS f(name, i) ON f.i = 1 + k % cardinality($2::text[])
       JOIN unnest($3::text[]) WITH ORDINALITY AS l(name, i) ON l.i = 1 + (k / cardinality($2::text[])) % cardinality($3::text[])`,
      [guests, firstNames, lastNames],
    );
    // Slot k of a room starts at day floor(k * span / n) of the span around today (a year per
    // 100 stays, so occupancy is the same at every size: more stays per room are a longer
    // history and future, not a fuller hotel); stays are 1–3 nights, so stays of one room
    // never overlap (the exclusion constraint checks it).
    await client.query(
      `WITH slots AS (
         SELECT r.id AS room_id, r.price_per_night, r.capacity, k,
                (current_date - $2::int / 2 + (k * $2::int / $1::int)) AS check_in,
                1 + abs(hashtext(r.id::text || k)) % 3 AS nights,
                abs(hashtext(k || r.id::text)) % 100 AS dice
         FROM hotel.rooms r CROSS JOIN generate_series(0, $1::int - 1) AS k
         WHERE r.number LIKE 'B%'
       ), stays AS (
         SELECT *, check_in + nights AS check_out,
                CASE
                  WHEN check_in + nights <= current_date THEN
                    CASE WHEN dice < 85 THEN 'checked_out' WHEN dice < 97 THEN 'cancelled' ELSE 'no_show' END
                  WHEN check_in <= current_date THEN 'checked_in'
                  ELSE CASE WHEN dice < 60 THEN 'confirmed' WHEN dice < 90 THEN 'pending' ELSE 'cancelled' END
                END AS status
         FROM slots
       )
       INSERT INTO hotel.bookings (id, reference, guest_id, user_id, room_id, check_in, check_out, guests, status,
                                   price_per_night, total_price, created_by, cancelled_at, created_at, updated_at)
       SELECT gen_random_uuid(), hotel.new_booking_reference(), g.id, u.id, room_id, check_in, check_out,
              1 + dice % capacity, status, price_per_night, price_per_night * nights, u.id,
              CASE WHEN status = 'cancelled' THEN check_in - 3 END,
              check_in - 30 + (dice % 20) * interval '1 hour', check_in - 30 + (dice % 20) * interval '1 hour'
       FROM stays
       CROSS JOIN LATERAL (SELECT md5('guest' || (abs(hashtext(room_id::text || k)) % 2000))::uuid AS id) u
       JOIN hotel.guests g ON g.user_id = u.id`,
      [bookingsPerRoom, Math.ceil((365 * bookingsPerRoom) / 100)],
    );
    // Statistics of the rows just written (ANALYZE counts this transaction's own inserts): the
    // foreign-key checks of the inserts below are planned with them. Without, after a reseed
    // (TRUNCATE) at a larger size they were planned for an empty bookings table and the
    // check-in/out inserts ran for minutes instead of seconds.
    await client.query('ANALYZE hotel.rooms, hotel.guests, hotel.bookings');
    const staff = '00000000-0000-4000-8000-00000000beef';
    await client.query(
      `INSERT INTO hotel.check_ins (booking_id, performed_by, performed_at)
       SELECT id, $1, check_in + interval '15 hours' FROM hotel.bookings WHERE status IN ('checked_in', 'checked_out')`,
      [staff],
    );
    await client.query(
      `INSERT INTO hotel.check_outs (booking_id, performed_by, performed_at)
       SELECT id, $1, check_out + interval '10 hours' FROM hotel.bookings WHERE status = 'checked_out'`,
      [staff],
    );
    await client.query(
      `UPDATE hotel.rooms r SET status = 'occupied'
       WHERE EXISTS (SELECT 1 FROM hotel.bookings b WHERE b.room_id = r.id AND b.status = 'checked_in')`,
    );
    await client.query(
      `INSERT INTO hotel.notifications (user_id, booking_id, type, message, read_at, created_at)
       SELECT user_id, id, 'booking_created', 'Your booking was received.', CASE WHEN check_out < current_date THEN now() END, created_at
       FROM hotel.bookings`,
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');
    const counts = await client.query<{
      rooms: string;
      guests: string;
      bookings: string;
      notifications: string;
    }>(
      `SELECT (SELECT count(*) FROM hotel.rooms) AS rooms, (SELECT count(*) FROM hotel.guests) AS guests,
              (SELECT count(*) FROM hotel.bookings) AS bookings, (SELECT count(*) FROM hotel.notifications) AS notifications`,
    );
    const row = counts.rows[0]!;
    return {
      rooms: Number(row.rooms),
      guests: Number(row.guests),
      bookings: Number(row.bookings),
      notifications: Number(row.notifications),
    };
  } finally {
    await client.end();
  }
}
