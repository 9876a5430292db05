import { randomUUID } from 'node:crypto';
import { day, startHotelForTest, type HotelHarness, type RoomJson } from '../../../test/support/hotel';

/**
 * hotel.room_vacancies (the free time of each room, which availability searches when few
 * rooms are free) must be exactly the complement of the stays that hold the room, whatever
 * wrote the bookings: the API's concurrent bookings, cancellations and changes, or one SQL
 * statement of many stays.
 */
let h: HotelHarness;
beforeAll(async () => {
  h = await startHotelForTest();
});
afterAll(() => h.close());

interface Piece {
  roomId: string;
  kind: 'free' | 'stay';
  from: string | null;
  until: string | null;
}

/**
 * Per room, its vacancies and active stays ordered by start must tile the whole time line:
 * the first unbounded before, each piece starting where the one before ends, the last
 * unbounded after, and no two vacancies side by side (each is as long as it can be).
 */
async function tilingErrors(): Promise<string[]> {
  const pieces: Piece[] = await h.dataSource.query(
    `SELECT room_id AS "roomId", kind, lower(span)::text AS "from", upper(span)::text AS "until"
     FROM (SELECT room_id, 'free' AS kind, free AS span FROM hotel.room_vacancies
           UNION ALL
           SELECT room_id, 'stay', daterange(check_in, check_out) FROM hotel.bookings
           WHERE status IN ('pending', 'confirmed', 'checked_in')) p
     ORDER BY room_id, lower(span) NULLS FIRST`,
  );
  const rooms: Array<{ id: string }> = await h.dataSource.query('SELECT id FROM hotel.rooms');
  const errors: string[] = [];
  for (const { id } of rooms) {
    const line = pieces.filter((piece) => piece.roomId === id);
    const show = line.map((p) => `${p.kind}[${p.from ?? '-∞'},${p.until ?? '∞'})`).join(' ');
    const fine =
      line.length > 0 &&
      line[0]!.from === null &&
      line[line.length - 1]!.until === null &&
      line.every(
        (piece, i) =>
          i === 0 ||
          (piece.from === line[i - 1]!.until && !(piece.kind === 'free' && line[i - 1]!.kind === 'free')),
      );
    if (!fine) errors.push(`room ${id}: ${show}`);
  }
  return errors;
}

const pick = <T>(items: T[], n: number): T => items[n % items.length]!;

describe('room vacancies', () => {
  it('a new room is free all the time', async () => {
    const room = await h.room();
    const rows: Array<{ free: string }> = await h.dataSource.query(
      'SELECT free::text AS free FROM hotel.room_vacancies WHERE room_id = $1',
      [room.id],
    );
    expect(rows).toEqual([{ free: '(,)' }]);
  });

  it('stay the complement of the stays under concurrent bookings, cancellations and changes', async () => {
    const walkIn = await h.walkIn();
    const rooms: RoomJson[] = [];
    for (let i = 0; i < 3; i++) rooms.push(await h.room({ type: 'vacancy-race' }));
    const booked: string[] = [];
    const statuses: Record<number, number> = {};
    const tally = (status: number) => (statuses[status] = (statuses[status] ?? 0) + 1);
    // Rounds of 24 writes at once on three rooms and 20 days: overlapping bookings (most
    // lose with 409), cancellations and date or room changes of earlier bookings.
    for (let round = 0; round < 6; round++) {
      const writes = Array.from({ length: 24 }, async (_, i) => {
        const n = round * 24 + i;
        const start = (n * 7) % 20;
        const nights = 1 + (n % 4);
        if (booked.length === 0 || n % 3 === 0) {
          const res = await h.book(h.staff, {
            room_id: pick(rooms, n).id,
            guest_id: walkIn.id,
            check_in: day(start),
            check_out: day(start + nights),
          });
          tally(res.status);
          if (res.status === 201) booked.push((res.body as { id: string }).id);
        } else if (n % 3 === 1) {
          const res = await h.http.post(`/api/bookings/${pick(booked, n)}/cancel`).set(h.staff.auth);
          tally(res.status);
        } else {
          const res = await h.http
            .patch(`/api/bookings/${pick(booked, n)}`)
            .set(h.staff.auth)
            .set('If-Match', '*')
            .send(
              n % 2 === 0
                ? { check_in: day(start), check_out: day(start + nights) }
                : { room_id: pick(rooms, n + 1).id },
            );
          tally(res.status);
        }
      });
      await Promise.all(writes);
      expect(await tilingErrors()).toEqual([]);
    }
    // Every kind of outcome happened, and no write failed with a server error.
    expect(Object.keys(statuses).filter((status) => Number(status) >= 500)).toEqual([]);
    expect(statuses[201]).toBeGreaterThan(3);
    expect(statuses[200]).toBeGreaterThan(3);
    expect(statuses[409]).toBeGreaterThan(3);
  }, 60_000);

  it('stay the complement after statements of many stays (inserted, cancelled, deleted at once)', async () => {
    const walkIn = await h.walkIn();
    const rooms: Array<{ id: string }> = await h.dataSource.query(
      `INSERT INTO hotel.rooms (number, type, capacity, price_per_night)
       SELECT 'BULK' || i, 'vacancy-bulk', 2, 50 FROM generate_series(1, 10) i RETURNING id`,
    );
    // 10 rooms × 8 stays of 2 nights every 3 days: one statement of 80 stays.
    await h.dataSource.query(
      `INSERT INTO hotel.bookings (id, room_id, guest_id, check_in, check_out, guests, status,
                                   price_per_night, total_price, created_by)
       SELECT gen_random_uuid(), r, $2, current_date + 3 * k, current_date + 3 * k + 2, 1,
              'confirmed', 50, 100, $3
       FROM unnest($1::uuid[]) r CROSS JOIN generate_series(0, 7) k`,
      [rooms.map((room) => room.id), walkIn.id, h.staff.id],
    );
    expect(await tilingErrors()).toEqual([]);
    const free = await h.http
      .get('/api/availability')
      .query({ check_in: day(2), check_out: day(3), type: 'vacancy-bulk' })
      .expect(200);
    expect(free.body.items).toHaveLength(10);
    await h.http
      .get('/api/availability')
      .query({ check_in: day(1), check_out: day(3), type: 'vacancy-bulk' })
      .expect(200)
      .expect((res) => expect(res.body.items).toEqual([]));

    // Every other stay cancelled at once (merging vacancies), then some moved by a day.
    await h.dataSource.query(
      `UPDATE hotel.bookings SET status = 'cancelled', cancelled_at = now()
       WHERE room_id = ANY ($1) AND (check_in - current_date) % 6 = 0`,
      [rooms.map((room) => room.id)],
    );
    expect(await tilingErrors()).toEqual([]);
    await h.dataSource.query(
      `UPDATE hotel.bookings SET check_in = check_in + 1, check_out = check_out + 1
       WHERE room_id = $1 AND status = 'confirmed'`,
      [rooms[0]!.id],
    );
    await h.dataSource.query(
      `DELETE FROM hotel.bookings WHERE room_id = $1 AND check_in > current_date + 10`,
      [rooms[1]!.id],
    );
    expect(await tilingErrors()).toEqual([]);
  });

  it('availability answers the same whether the walk fills the page or the vacancies are read', async () => {
    const type = `many-${randomUUID().slice(0, 6)}`;
    // 1 200 rooms (prices with ties) and their statistics: the walk's budget is
    // √(21 × rooms) ≈ 160 rooms for a page of 20.
    await h.dataSource.query(
      `INSERT INTO hotel.rooms (number, type, capacity, price_per_night)
       SELECT 'M' || i, $1, 1 + i % 3, 40 + (i % 13) FROM generate_series(1, 1200) i`,
      [type],
    );
    await h.dataSource.query('ANALYZE hotel.rooms');
    const rooms: Array<{ id: string; capacity: number }> = await h.dataSource.query(
      `SELECT id, capacity FROM hotel.rooms WHERE type = $1 ORDER BY price_per_night, number COLLATE "C", id`,
      [type],
    );
    // Days 20–23 busy: every room but 45 spread over the order (the walk's budget finds
    // fewer than a page, so the vacancies answer); days 30–31 free (the walk answers).
    const walkIn = await h.walkIn();
    const left = new Set(rooms.filter((_, i) => i % 27 === 5).map((room) => room.id));
    await h.dataSource.query(
      `INSERT INTO hotel.bookings (id, room_id, guest_id, check_in, check_out, guests, status,
                                   price_per_night, total_price, created_by)
       SELECT gen_random_uuid(), r, $2, $3::date, $4::date, 1, 'confirmed', 50, 150, $5
       FROM unnest($1::uuid[]) r`,
      [
        rooms.filter((room) => !left.has(room.id)).map((room) => room.id),
        walkIn.id,
        day(20),
        day(23),
        h.staff.id,
      ],
    );
    const pages = async (checkIn: string, checkOut: string) => {
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await h.http
          .get('/api/availability')
          .query({
            check_in: checkIn,
            check_out: checkOut,
            type,
            guests: 2,
            limit: 20,
            ...(cursor ? { cursor } : {}),
          })
          .expect(200);
        const page = res.body as { items: Array<{ room: { id: string } }>; next_cursor: string | null };
        paged.push(...page.items.map((item) => item.room.id));
        cursor = page.next_cursor;
      } while (cursor);
      return paged;
    };
    const forTwo = rooms.filter((room) => room.capacity >= 2);
    expect(await pages(day(21), day(22))).toEqual(
      forTwo.filter((room) => left.has(room.id)).map((room) => room.id),
    );
    expect(await pages(day(30), day(32))).toEqual(forTwo.map((room) => room.id));
    expect(await pages(day(22), day(24))).toEqual(
      forTwo.filter((room) => left.has(room.id)).map((room) => room.id),
    );
    expect(await pages(day(23), day(24))).toEqual(forTwo.map((room) => room.id));
  }, 60_000);

  it('emptied bookings (TRUNCATE) free every room', async () => {
    await h.dataSource.query('TRUNCATE hotel.bookings CASCADE');
    const rows: Array<{ rooms: number; vacancies: number; unbounded: number }> = await h.dataSource.query(
      `SELECT (SELECT count(*)::int FROM hotel.rooms) AS rooms, count(*)::int AS vacancies,
              count(*) FILTER (WHERE free = daterange(NULL, NULL))::int AS unbounded
       FROM hotel.room_vacancies`,
    );
    expect(rows[0]!.vacancies).toBe(rows[0]!.rooms);
    expect(rows[0]!.unbounded).toBe(rows[0]!.rooms);
  });
});
