import { serve, type RunningServer } from '@myhotel/common';
import { day, startHotelForTest, type HotelHarness } from '../../../test/support/hotel';

let h: HotelHarness;
let server: RunningServer;
let base: string;
beforeAll(async () => {
  // Default pool (DB_POOL_MAX=10) and timeouts: contention must not turn into 503s.
  h = await startHotelForTest();
  server = await serve({
    app: h.app,
    port: 0,
    host: '127.0.0.1',
    lifecycle: h.lifecycle,
    logger: h.logger,
    shutdownDelayMs: 0,
    shutdownTimeoutMs: 5000,
    onClose: async () => undefined,
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.shutdown();
  await h.close();
});

const post = (token: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/bookings`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });

describe('no double booking under concurrency (real HTTP, real PostgreSQL)', () => {
  it('60 distinct guests booking one room for overlapping dates: exactly one 201, all others 409', async () => {
    const room = await h.room({ capacity: 2 });
    const guests = await Promise.all(Array.from({ length: 60 }, () => h.user('guest')));
    const responses = await Promise.all(
      guests.map((g, i) =>
        // Every stay overlaps every other: all contain day(11) → day(12).
        post(g.accessToken, {
          room_id: room.id,
          check_in: day(10 - (i % 3)),
          check_out: day(12 + (i % 4)),
          guests: 1,
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    const tally = statuses.reduce<Record<number, number>>(
      (acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }),
      {},
    );
    expect(tally).toEqual({ 201: 1, 409: 59 });
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<Record<string, unknown>>));
    for (const [i, r] of responses.entries()) {
      if (r.status === 409) {
        expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(bodies[i]).toMatchObject({ status: 409, title: 'Conflict' });
      }
    }
    expect(await h.count('bookings', 'room_id = $1', [room.id])).toBe(1);
    // Only the winner's notification exists.
    expect(
      await h.count('notifications n JOIN hotel.bookings b ON b.id = n.booking_id', 'b.room_id = $1', [
        room.id,
      ]),
    ).toBe(1);
  });

  it('the same guest retrying one Idempotency-Key 20 times concurrently gets one booking and 20 identical 201s', async () => {
    const room = await h.room();
    const guest = await h.user('guest');
    const body = { room_id: room.id, check_in: day(20), check_out: day(22), guests: 1 };
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post(guest.accessToken, body, { 'Idempotency-Key': 'retry-1' })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(await h.count('bookings', 'room_id = $1', [room.id])).toBe(1);
    expect(await h.count('idempotency_keys', 'user_id = $1', [guest.id])).toBe(1);
  });

  it('different rooms book in parallel without interference', async () => {
    const rooms = await Promise.all(Array.from({ length: 10 }, () => h.room()));
    const guest = await h.user('guest');
    const responses = await Promise.all(
      rooms.map((r) =>
        post(guest.accessToken, { room_id: r.id, check_in: day(30), check_out: day(31), guests: 1 }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
  });
});

const patch = (token: string, id: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/bookings/${id}`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });

const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

describe('booking changes under concurrency (real HTTP, real PostgreSQL)', () => {
  it('50 concurrent PATCHes moving different bookings onto one room and the same nights: exactly one 200, all others 409 with the winner’s dates', async () => {
    const target = await h.room({ capacity: 2 });
    const sources = await Promise.all(Array.from({ length: 50 }, () => h.room({ capacity: 2 })));
    const guests = await Promise.all(Array.from({ length: 50 }, () => h.user('guest')));
    const bookings = await Promise.all(
      guests.map(async (g, i) => {
        const res = await post(g.accessToken, {
          room_id: sources[i]!.id,
          check_in: day(40),
          check_out: day(42),
          guests: 1,
        });
        expect(res.status).toBe(201);
        return (await res.json()) as { id: string };
      }),
    );
    const eventsBefore = await h.count('booking_events');
    const responses = await Promise.all(
      bookings.map((b, i) =>
        // Every move overlaps every other on the target room: all contain day(41).
        patch(guests[i]!.accessToken, b.id, {
          room_id: target.id,
          check_in: day(40 + (i % 2)),
          check_out: day(42 + (i % 3)),
        }),
      ),
    );
    expect(tally(responses.map((r) => r.status))).toEqual({ 200: 1, 409: 49 });
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<Record<string, unknown>>));
    const winner = bodies[responses.findIndex((r) => r.status === 200)]!;
    for (const [i, r] of responses.entries()) {
      if (r.status !== 409) continue;
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(bodies[i]).toMatchObject({
        status: 409,
        conflict: { check_in: winner.check_in, check_out: winner.check_out },
      });
    }
    expect(await h.count('bookings', "room_id = $1 AND status = 'pending'", [target.id])).toBe(1);
    // Only the winner's change was written: one audit event, one booking_changed notification.
    expect(await h.count('booking_events')).toBe(eventsBefore + 1);
    expect(await h.count('notifications', "type = 'booking_changed'")).toBe(1);
  });

  it('20 concurrent PATCHes of one booking with the same If-Match: exactly one 200, all others 412', async () => {
    const room = await h.room({ capacity: 20 });
    const guest = await h.user('guest');
    const created = await post(guest.accessToken, {
      room_id: room.id,
      check_in: day(50),
      check_out: day(52),
      guests: 1,
    });
    const { id } = (await created.json()) as { id: string };
    const etag = created.headers.get('etag')!;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        patch(guest.accessToken, id, { guests: 2 + (i % 15) }, { 'If-Match': etag }),
      ),
    );
    expect(tally(responses.map((r) => r.status))).toEqual({ 200: 1, 412: 19 });
    const winner = (await responses.find((r) => r.status === 200)!.json()) as { guests: number };
    const now = await fetch(`${base}/api/bookings/${id}`, {
      headers: { Authorization: `Bearer ${guest.accessToken}` },
    });
    expect(now.headers.get('etag')).toBe('"v2"');
    expect(((await now.json()) as { guests: number }).guests).toBe(winner.guests);
  });
});
