/**
 * Booking traffic for tests that break things under load (test/faults): rooms to book,
 * slots that never conflict, worker loops, and the consistency checks afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { superQuery, type ServiceDatabase } from './database';
import { day } from './hotel';
import { call } from './http-client';
import type { ServiceProcess } from './processes';

/** Runs `workers` loops of `step` until `stop()`; resolves with everything they recorded. */
export function runLoops<R>(workers: number, step: (worker: number) => Promise<R>) {
  let running = true;
  const results: R[] = [];
  const loops = Array.from({ length: workers }, async (_, worker) => {
    while (running) results.push(await step(worker));
  });
  return {
    results,
    async stop(): Promise<R[]> {
      running = false;
      await Promise.all(loops);
      return results;
    },
  };
}

/** Creates `count` rooms through hotel's API as admin; returns their ids. */
export async function createRooms(
  hotel: ServiceProcess,
  admin: Record<string, string>,
  count: number,
): Promise<string[]> {
  const tag = randomBytes(2).toString('hex');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await call(hotel.base, 'POST', '/api/rooms', {
      headers: admin,
      body: { number: `F${tag}-${i}`, type: 'double', capacity: 2, price_per_night: '90.00' },
    });
    if (res.status !== 201) throw new Error(`room creation failed: ${res.status} ${res.body}`);
    ids.push((JSON.parse(res.body) as { id: string }).id);
  }
  return ids;
}

/** Distinct one-night stays: slot n → room n mod rooms, night n div rooms (never conflicting). */
export function slotBooking(roomIds: string[], slot: number): Record<string, unknown> {
  const night = 1 + Math.floor(slot / roomIds.length);
  return {
    room_id: roomIds[slot % roomIds.length],
    check_in: day(night),
    check_out: day(night + 1),
    guests: 1,
  };
}

/** Booking/notification consistency: rows of one without the other (must both be 0). */
export async function orphanCounts(
  db: ServiceDatabase,
): Promise<{ bookingsWithoutNotification: number; notificationsWithoutBooking: number; bookings: number }> {
  const [row] = await superQuery<{ a: number; b: number; n: number }>(
    db,
    `SELECT
       (SELECT count(*)::int FROM hotel.bookings b WHERE NOT EXISTS (
          SELECT 1 FROM hotel.notifications n WHERE n.booking_id = b.id AND n.type = 'booking_created')) AS a,
       (SELECT count(*)::int FROM hotel.notifications n WHERE n.booking_id IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM hotel.bookings b WHERE b.id = n.booking_id)) AS b,
       (SELECT count(*)::int FROM hotel.bookings) AS n`,
  );
  return { bookingsWithoutNotification: row!.a, notificationsWithoutBooking: row!.b, bookings: row!.n };
}

/** Which of these booking ids exist. */
export async function existingBookings(db: ServiceDatabase, ids: string[]): Promise<Set<string>> {
  const rows = await superQuery<{ id: string }>(
    db,
    'SELECT id FROM hotel.bookings WHERE id = ANY($1::uuid[])',
    [ids],
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * A superuser session holding a room's row lock (FOR UPDATE) in an open transaction, so
 * that a booking of the room blocks until the session ends. The caller ends it.
 */
export async function holdRoomLock(
  db: Pick<ServiceDatabase, 'superuserUrl'>,
  roomId: string,
): Promise<Client> {
  const locker = new Client({ connectionString: db.superuserUrl });
  locker.on('error', () => undefined); // a dropped idle session must not crash the test process
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('SELECT 1 FROM hotel.rooms WHERE id = $1 FOR UPDATE', [roomId]);
  return locker;
}
