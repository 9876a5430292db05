/**
 * The scaling table: availability (a page of 100), booking creation and the staff booking list
 * on the full stack at growing data sizes, each size reseeded into the same database, with
 * `EXPLAIN (ANALYZE, BUFFERS)` of each row's main statement at that size. The two smaller
 * sizes run by default; the largest only with `npm run bench -- --scale` (its seed alone
 * takes minutes). BENCH_SCALE_SECONDS (default 5 with --scale, else 3) per measurement.
 */
import { Client } from 'pg';
import {
  availabilityQuery,
  bookingCreateStatements,
  bookingListQuery,
  newBookingReference,
} from '@myhotel/hotel';
import { measure, thorough, type Measurement, type RequestSpec } from './autocannon-run';
import { availabilityPath, bearer, bookingListPath, isoDay } from './read-rows';
import { seedBenchData, type BenchDataSet } from './seed';
import { bookableRooms, log, withClient, type BenchStack } from './stack';

export const scaleSeconds = Number(process.env.BENCH_SCALE_SECONDS ?? (thorough ? 5 : 3));

/** (rooms, stays per room): 20 000, 200 000 and 2 000 000 bookings. */
const sizes = [
  { rooms: 200, bookingsPerRoom: 100 },
  { rooms: 2_000, bookingsPerRoom: 100 },
  ...(thorough ? [{ rooms: 10_000, bookingsPerRoom: 200 }] : []),
];

interface ScalePlan {
  row: string;
  statement: string;
  plan: string;
}

export interface ScaleResult {
  dataSet: BenchDataSet;
  seedSeconds: number;
  results: Measurement[];
  plans: ScalePlan[];
}

export const scaleRowNames = {
  availability: 'GET /api/availability?limit=100',
  create: 'POST /api/bookings',
  list: 'GET /api/bookings (staff, filtered)',
} as const;

/** Empties the hotel's data (the schema stays) and seeds one size. */
async function reseed(url: string, rooms: number, bookingsPerRoom: number): Promise<BenchDataSet> {
  await withClient(url, (client) =>
    client.query(
      `TRUNCATE hotel.webhook_deliveries, hotel.notifications, hotel.booking_events, hotel.check_ins,
                hotel.check_outs, hotel.idempotency_keys, hotel.bookings, hotel.guests, hotel.room_vacancies, hotel.rooms`,
    ),
  );
  const dataSet = await seedBenchData(url, rooms, 10_000, bookingsPerRoom);
  // A steady state, not the aftermath of a bulk load: statistics and visibility map current,
  // and the load's dirty pages written out now rather than by a checkpoint during the rows.
  await withClient(url, async (client) => {
    await client.query('VACUUM ANALYZE');
    await client.query('CHECKPOINT');
  });
  return dataSet;
}

/** EXPLAIN (ANALYZE, BUFFERS), the second of two runs (the first warms the cache); writes are rolled back. */
async function explain(client: Client, text: string, values: unknown[]): Promise<string> {
  let plan = '';
  for (let run = 0; run < 2; run++) {
    await client.query('BEGIN');
    try {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${text}`,
        values,
      );
      plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await client.query('ROLLBACK');
    }
  }
  return plan;
}

async function plansAt(stack: BenchStack, roomId: string): Promise<ScalePlan[]> {
  return withClient(stack.database.superuserUrl, async (client) => {
    const availability = availabilityQuery({
      checkIn: isoDay(40),
      checkOut: isoDay(43),
      nights: 3,
      guests: 2,
      sort: 'total_price',
      limit: 100,
    });
    const list = bookingListQuery({
      status: 'confirmed',
      from: isoDay(0),
      to: isoDay(14),
      sort: '-created_at',
      limit: 20,
    });
    const guest = (
      await client.query<{ id: string; user_id: string }>(
        'SELECT id, user_id FROM hotel.guests WHERE user_id IS NOT NULL LIMIT 1',
      )
    ).rows[0]!;
    const insert = bookingCreateStatements.insert({
      id: '00000000-0000-4000-8000-000000000001',
      reference: newBookingReference(),
      guestId: guest.id,
      userId: guest.user_id,
      roomId,
      checkIn: isoDay(1000),
      checkOut: isoDay(1002),
      guests: 1,
      notes: null,
      createdBy: guest.user_id,
    });
    return [
      {
        row: scaleRowNames.availability,
        statement: 'availability of a 3-night stay in 40 days for 2 guests, first page of 100 by price',
        plan: await explain(client, availability.text, availability.values),
      },
      {
        row: scaleRowNames.create,
        statement:
          'the booking insert (price snapshot from the room, exclusion-constraint check), rolled back',
        plan: await explain(client, insert.text, insert.values),
      },
      {
        row: scaleRowNames.list,
        statement: 'confirmed bookings of the next 14 days, newest first, first page of 20',
        plan: await explain(client, list.text, list.values),
      },
    ];
  });
}

/** Each size: reseed, the three rows on the full stack, their plans. */
export async function measureScaling(stack: BenchStack): Promise<ScaleResult[]> {
  const results: ScaleResult[] = [];
  let night = 2000; // bookings made by the rows: beyond every seeded stay
  for (const size of sizes) {
    const seedStart = Date.now();
    const dataSet = await reseed(stack.database.superuserUrl, size.rooms, size.bookingsPerRoom);
    const seedSeconds = Math.round((Date.now() - seedStart) / 1000);
    log(`scaling: ${dataSet.rooms} rooms, ${dataSet.bookings} bookings (seeded in ${seedSeconds} s)`);
    const roomIds = await bookableRooms(stack.database.hotelUrl);
    let sequence = 0;
    const firstNight = night;
    const booking: RequestSpec = {
      method: 'POST',
      path: () => '/api/bookings',
      body: () => {
        const n = sequence++;
        const day = firstNight + Math.floor(n / roomIds.length);
        night = Math.max(night, day + 2);
        return JSON.stringify({
          room_id: roomIds[n % roomIds.length],
          check_in: isoDay(day),
          check_out: isoDay(day + 1),
          guests: 1,
        });
      },
      headers: bearer(stack.tokens.guest),
    };
    const options = { seconds: scaleSeconds };
    // The reseed left the service's caches and PostgreSQL's buffers cold for this size.
    await measure(`warm-up @${dataSet.rooms}`, stack.full, { path: availabilityPath(100) }, { seconds: 2 });
    const rows = [
      await measure(
        `${scaleRowNames.availability} @${dataSet.rooms}`,
        stack.full,
        { path: availabilityPath(100) },
        options,
      ),
      await measure(`${scaleRowNames.create} @${dataSet.rooms}`, stack.full, booking, options),
      await measure(
        `${scaleRowNames.list} @${dataSet.rooms}`,
        stack.full,
        { path: bookingListPath, headers: bearer(stack.tokens.staff) },
        options,
      ),
    ];
    results.push({ dataSet, seedSeconds, results: rows, plans: await plansAt(stack, roomIds[0]!) });
  }
  return results;
}
