/**
 * Fault: hotel's database sessions are terminated (pg_terminate_backend) in the middle of
 * booking transactions — once at a deterministic point, then repeatedly under load.
 * Real process: hotel as a child process on a database of the shared test server.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  call,
  isUnavailableProblem,
  type Answer,
  tallyOutcomes,
  unexpectedOutcomes,
} from '../support/http-client';
import {
  createRooms,
  existingBookings,
  orphanCounts,
  runLoops,
  slotBooking,
  holdRoomLock,
} from '../support/booking-load';
import { releaseAll } from '../support/teardown';
import { superQuery, type TestDatabase } from '../support/database';
import type { tokenSigner } from '../support/tokens';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHotelProcess, type ServiceProcess } from '../support/processes';
import { pollUntil } from '../../tooling/readiness';
import { day } from '../support/hotel';

jest.setTimeout(60_000);

let db: TestDatabase | undefined;
let jwks: { url: string; close(): Promise<void> } | undefined;
let hotel: ServiceProcess;
let signer: Awaited<ReturnType<typeof tokenSigner>>;
let roomIds: string[];
const clients: Client[] = [];

const terminateHotelSessions = async (): Promise<number> =>
  (
    await superQuery<{ pid: number }>(
      db!,
      // Filter first (materialized): with pg_terminate_backend() among the WHERE conditions,
      // the planner may evaluate it before the others and terminate every session.
      `WITH sessions AS MATERIALIZED (
         SELECT pid FROM pg_stat_activity WHERE usename = 'hotel' AND datname = $1)
       SELECT pid FROM sessions WHERE pg_terminate_backend(pid) IS TRUE`,
      [db!.name],
    )
  ).length;

beforeAll(async () => {
  ({ db, jwks, signer, hotel } = await startHotelProcess());
  roomIds = await createRooms(hotel, await signer.bearer('admin'), 21);
});

afterAll(() => releaseAll({ clients, jwks, db }));

describe('a booking transaction killed midway', () => {
  it('at a known point (after its first writes): 503, nothing left behind, the retry succeeds', async () => {
    const guest = await signer.bearer('guest');
    const room = roomIds[0]!;
    const key = randomUUID();
    const body = { room_id: room, check_in: day(10), check_out: day(12), guests: 1 };

    // Hold the room row: the booking transaction claims its Idempotency-Key (DELETE + INSERT),
    // then blocks on the room lock (SELECT … FOR KEY SHARE).
    const locker = await holdRoomLock(db!, room);
    clients.push(locker);
    const pending = call(hotel.base, 'POST', '/api/bookings', {
      headers: { ...guest, 'idempotency-key': key },
      body,
      timeoutMs: 15_000,
    });
    const blocked = await pollUntil(
      'the booking transaction to wait on the room lock',
      async () =>
        (
          await superQuery<{ pid: number; xid: string | null; query: string }>(
            db!,
            `SELECT pid, backend_xid::text AS xid, query FROM pg_stat_activity
             WHERE datname = $1 AND usename = 'hotel' AND wait_event_type = 'Lock'`,
            [db!.name],
          )
        )[0],
      10_000,
    );
    // It has written already (the key claim holds a transaction id) and waits on the room.
    expect(blocked.xid).not.toBeNull();
    expect(blocked.query).toMatch(/FROM hotel\.rooms/);

    const killedAt = Date.now();
    await superQuery(db!, 'SELECT pg_terminate_backend($1)', [blocked.pid]);
    const answer = await pending;
    await locker.query('ROLLBACK');

    expect(isUnavailableProblem(answer)).toBe(true);
    expect(answer.end - killedAt).toBeLessThan(2000);
    // Nothing of the killed transaction remains: no booking, no notification, no key claim.
    const [left] = await superQuery<{ bookings: number; keys: number }>(
      db!,
      `SELECT (SELECT count(*)::int FROM hotel.bookings WHERE room_id = $1) AS bookings,
              (SELECT count(*)::int FROM hotel.idempotency_keys WHERE key = $2) AS keys`,
      [room, key],
    );
    expect(left).toEqual({ bookings: 0, keys: 0 });

    // The client retries with the same key: the service took a new connection and books it once.
    const retry = await call(hotel.base, 'POST', '/api/bookings', {
      headers: { ...guest, 'idempotency-key': key },
      body,
    });
    expect(retry.status).toBe(201);
    const replay = await call(hotel.base, 'POST', '/api/bookings', {
      headers: { ...guest, 'idempotency-key': key },
      body,
    });
    expect(replay.status).toBe(201);
    expect(JSON.parse(replay.body).id).toBe(JSON.parse(retry.body).id);
    expect(await orphanCounts(db!)).toMatchObject({
      bookingsWithoutNotification: 0,
      notificationsWithoutBooking: 0,
    });
    console.warn(
      `[faults] killed booking (deterministic): answered ${answer.status} ${answer.end - killedAt} ms after ` +
        `pg_terminate_backend; retry ${retry.status}, replay ${replay.status} (same id)`,
    );
  });

  it('repeatedly under load: only 201 or 503, every 201 exists with its notification, no orphans', async () => {
    const staff = await signer.bearer('staff');
    const rooms = roomIds.slice(1);
    let slot = 0;
    const load = runLoops(4, async (worker): Promise<Answer & { bookingId?: string }> => {
      if (worker === 3) return call(hotel.base, 'GET', '/api/rooms?limit=10', { timeoutMs: 15_000 });
      const headers = slot % 2 ? { ...staff, 'idempotency-key': randomUUID() } : staff;
      const res = await call(hotel.base, 'POST', '/api/bookings', {
        headers,
        body: slotBooking(rooms, slot++),
        timeoutMs: 15_000,
      });
      return res.status === 201 ? { ...res, bookingId: (JSON.parse(res.body) as { id: string }).id } : res;
    });

    let kills = 0;
    let rounds = 0;
    try {
      await pollUntil('first bookings', async () => load.results.some((r) => r.status === 201), 10_000);
      // Terminate every hotel session every 100 ms for 3 s, until some bookings were hit.
      const until = Date.now() + 3000;
      while (
        Date.now() < until ||
        (load.results.filter((r) => r.status === 503).length < 5 && rounds < 100)
      ) {
        kills += await terminateHotelSessions();
        rounds += 1;
        await sleep(100);
      }
    } finally {
      await sleep(0);
    }
    const stoppedKillingAt = Date.now();
    const recovered = await pollUntil(
      'a booking succeeding after the kills stopped',
      async () => load.results.find((r) => r.start >= stoppedKillingAt && r.status === 201),
      10_000,
    ).catch((err: Error) => {
      const after = load.results.filter((r) => r.start >= stoppedKillingAt);
      throw new Error(
        `${err.message}; answers since: ${JSON.stringify(after.map((r) => `${r.method} ${r.error ?? r.status} ${r.ms}ms ${r.body.slice(0, 160)}`))}` +
          `\nhotel log:\n${hotel.output().slice(-6000)}`,
      );
    });
    await sleep(300);
    const samples = await load.stop();

    const byStatus = tallyOutcomes(samples);
    // Killed requests answer 503 problem+json; nothing else but success.
    const unexpected = unexpectedOutcomes(samples);
    if (unexpected.length > 0) console.warn(`hotel log:\n${hotel.output().slice(-8000)}`);
    expect(unexpected).toEqual([]);
    expect(samples.filter((r) => r.status === 503).length).toBeGreaterThan(0);
    expect(Math.max(...samples.map((r) => r.ms))).toBeLessThan(6000);

    // Never a 201 for a booking that does not exist; no half-written booking.
    const acknowledged = samples.flatMap((r) => (r.bookingId ? [r.bookingId] : []));
    const present = await existingBookings(db!, acknowledged);
    expect(acknowledged.filter((id) => !present.has(id))).toEqual([]);
    const counts = await orphanCounts(db!);
    expect(counts).toMatchObject({ bookingsWithoutNotification: 0, notificationsWithoutBooking: 0 });
    expect(recovered.end - stoppedKillingAt).toBeLessThan(5000);
    expect(hotel.child.exitCode).toBeNull();

    console.warn(
      `[faults] killed bookings (under load): ${kills} sessions terminated in ${rounds} rounds; ` +
        `${samples.length} requests ${JSON.stringify(byStatus)}; acknowledged ${acknowledged.length}, ` +
        `bookings in table ${counts.bookings} (${counts.bookings - acknowledged.length} not acknowledged to this ` +
        `client, incl. the first test's), orphans 0; ` +
        `first booking ${recovered.end - stoppedKillingAt} ms after the kills stopped`,
    );
  });
});
