import { randomUUID } from 'node:crypto';
import { allPages } from '../../../test/support/pages';
import { newBookingReference } from '../src/domain/references';
import { expectProblem } from '../../../test/support/problem';
import {
  day,
  startHotelForTest,
  type HotelHarness,
  type RoomJson,
  type TestUser,
} from '../../../test/support/hotel';

/** References drawn by the test: a queue first (to force collisions), then the service's random draw. */
const drawn: string[] = [];
let h: HotelHarness;
beforeAll(async () => {
  h = await startHotelForTest({ newReference: () => drawn.shift() ?? newBookingReference() });
});
afterAll(() => h.close());

interface BookingJson {
  id: string;
  reference: string;
  check_in: string;
  updated_at: string;
  guest: { id: string; name: string; email: string | null };
}

const list = async (who: TestUser, query: Record<string, unknown>) =>
  (
    await h.http
      .get('/api/bookings')
      .query({ limit: 100, ...query })
      .set(who.auth)
      .expect(200)
  ).body.items as BookingJson[];
const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);

describe('booking references', () => {
  it('are drawn again on a collision: a taken reference never fails the booking', async () => {
    const room = await h.room();
    drawn.push('MH-222222');
    const first = await h.book(h.staff, {
      room_id: room.id,
      check_in: day(1),
      check_out: day(2),
      guest_id: (await h.walkIn()).id,
    });
    expect(first.body.reference).toBe('MH-222222');
    drawn.push('MH-222222', 'MH-333333');
    const second = await h
      .book(h.staff, {
        room_id: room.id,
        check_in: day(2),
        check_out: day(3),
        guest_id: (await h.walkIn()).id,
      })
      .expect(201);
    expect(second.body.reference).toBe('MH-333333');
  });
});

describe('GET /api/bookings?q=', () => {
  it('finds a booking by its reference (any case, MH- optional) or by the start of its guest’s name or email', async () => {
    const tag = `qs${randomUUID().slice(0, 6)}`;
    const walkIn = await h.walkIn({ name: `${tag} Maria Gonzalez`, email: `${tag}.maria@example.com` });
    const room = await h.room();
    const booked = await h
      .book(h.staff, { room_id: room.id, check_in: day(5), check_out: day(6), guest_id: walkIn.id })
      .expect(201);
    const { reference } = booked.body as BookingJson;
    for (const q of [
      reference,
      reference.toLowerCase(),
      reference.slice(3),
      ` ${reference.slice(3).toLowerCase()} `,
    ]) {
      expect(ids(await list(h.staff, { q }))).toContain(booked.body.id);
    }
    expect(ids(await list(h.staff, { q: `${tag} MARIA` }))).toEqual([booked.body.id]);
    expect(ids(await list(h.staff, { q: `${tag}.maria@` }))).toEqual([booked.body.id]);
    expect(ids(await list(h.staff, { q: `Maria Gonzalez` }))).not.toContain(booked.body.id);
    expect(await list(h.staff, { q: 'MH-ZZZZZZ' })).toEqual([]);
    expectProblem(await h.http.get('/api/bookings').query({ q: 'x' }).set(h.staff.auth), 400);
  });

  it('guests only ever find their own bookings', async () => {
    const guest = await h.user();
    const room = await h.room();
    const own = await h.book(guest, { room_id: room.id, check_in: day(7), check_out: day(8) }).expect(201);
    const other = await h.user();
    const theirs = await h.book(other, { room_id: room.id, check_in: day(8), check_out: day(9) }).expect(201);
    expect(ids(await list(guest, { q: own.body.reference }))).toEqual([own.body.id]);
    expect(await list(guest, { q: theirs.body.reference })).toEqual([]);
    expect(await list(guest, { q: theirs.body.guest.name })).toEqual([]);
    expect(await list(guest, { guest_id: theirs.body.guest.id })).toEqual([]);
    expect(ids(await list(h.staff, { guest_id: theirs.body.guest.id }))).toEqual([theirs.body.id]);
  });
});

describe('sorting and polling for changes', () => {
  it('sorts by check_in, created_at or updated_at either way, paging stably; updated_since polls for changes', async () => {
    const walkIn = await h.walkIn();
    const room: RoomJson = await h.room({ capacity: 2 });
    const made: BookingJson[] = [];
    for (const offset of [30, 20, 40, 10]) {
      const res = await h
        .book(h.staff, {
          room_id: room.id,
          check_in: day(offset),
          check_out: day(offset + 1),
          guest_id: walkIn.id,
        })
        .expect(201);
      made.push(res.body as BookingJson);
    }
    const pages = (sort: string, extra: Record<string, string> = {}) =>
      allPages<BookingJson>((cursor) =>
        h.http
          .get('/api/bookings')
          .query({ guest_id: walkIn.id, sort, limit: 1, ...extra, ...cursor })
          .set(h.staff.auth),
      );
    const checkIns = (items: BookingJson[]) => items.map((b) => b.check_in);
    expect(checkIns(await pages('check_in'))).toEqual([day(10), day(20), day(30), day(40)]);
    expect(checkIns(await pages('-check_in'))).toEqual([day(40), day(30), day(20), day(10)]);
    expect(checkIns(await pages('created_at'))).toEqual([day(30), day(20), day(40), day(10)]);

    const [lastSeen] = await pages('-updated_at');
    await h.http.patch(`/api/bookings/${made[1]!.id}`).set(h.staff.auth).send({ guests: 2 }).expect(200);
    await h.http.post(`/api/bookings/${made[0]!.id}/confirm`).set(h.staff.auth).expect(200);
    const changed = await pages('updated_at', { updated_since: lastSeen!.updated_at });
    // Timestamps are shown to the millisecond: the last booking seen may come again (at least once).
    expect(ids(changed).filter((id) => id !== lastSeen!.id)).toEqual([made[1]!.id, made[0]!.id]);

    const first = await h.http
      .get('/api/bookings')
      .query({ guest_id: walkIn.id, sort: 'check_in', limit: 1 })
      .set(h.staff.auth);
    for (const query of [
      { sort: '-check_in' },
      { sort: 'check_in', status: 'pending' },
      { sort: 'check_in', guest_id: undefined },
    ]) {
      expectProblem(
        await h.http
          .get('/api/bookings')
          .query({ guest_id: walkIn.id, limit: 1, ...query, cursor: first.body.next_cursor })
          .set(h.staff.auth),
        400,
      );
    }
    expectProblem(
      await h.http.get('/api/bookings').query({ updated_since: 'yesterday' }).set(h.staff.auth),
      400,
    );
  });

  it('a date window (from, to) lists exactly the stays overlapping it, in every sort, across pages', async () => {
    const walkIn = await h.walkIn();
    // [check_in, check_out) offsets; the window is [40, 50). 30 nights is the longest stay.
    const stays: Array<[number, number, boolean]> = [
      [10, 40, false], // 30 nights, ends as the window starts
      [11, 41, true], // 30 nights, the earliest check-in that overlaps
      [39, 40, false],
      [39, 41, true],
      [45, 46, true],
      [41, 49, true],
      [49, 50, true],
      [50, 51, false], // starts as the window ends
      [30, 60, true], // 30 nights across the whole window
    ];
    const expected: string[] = [];
    for (const [checkIn, checkOut, overlaps] of stays) {
      const room = await h.room({ capacity: 2 });
      const res = await h
        .book(h.staff, {
          room_id: room.id,
          check_in: day(checkIn),
          check_out: day(checkOut),
          guest_id: walkIn.id,
        })
        .expect(201);
      if (overlaps) expected.push((res.body as BookingJson).id);
    }
    const window = { guest_id: walkIn.id, from: day(40), to: day(50) };
    for (const sort of ['created_at', '-created_at', 'check_in', '-check_in', 'updated_at']) {
      for (const extra of [{}, { status: 'pending' }]) {
        const paged = await allPages<BookingJson>((cursor) =>
          h.http
            .get('/api/bookings')
            .query({ ...window, ...extra, sort, limit: 2, ...cursor })
            .set(h.staff.auth),
        );
        expect(ids(paged).sort()).toEqual([...expected].sort());
        expect(ids(await list(h.staff, { ...window, ...extra, sort }))).toEqual(ids(paged));
      }
    }
    expect(await list(h.staff, { ...window, status: 'confirmed' })).toEqual([]);
    expect(ids(await list(h.staff, { guest_id: walkIn.id, from: day(40) })).sort()).toEqual(
      ids(await list(h.staff, { ...window, to: day(400) })).sort(),
    );
  });

  it('rooms and availability sort by price, capacity or number, ties by number', async () => {
    const type = `sorted-${randomUUID().slice(0, 8)}`;
    const prefix = `S${Date.now() % 100000}`;
    const rooms = [
      await h.room({ type, number: `${prefix}-c`, capacity: 1, price_per_night: '90.00' }),
      await h.room({ type, number: `${prefix}-a`, capacity: 3, price_per_night: '60.00' }),
      await h.room({ type, number: `${prefix}-b`, capacity: 2, price_per_night: '60.00' }),
    ];
    const [c, a, b] = rooms.map((r) => r.id);
    const roomPages = (sort: string) =>
      allPages<RoomJson>((cursor) => h.http.get('/api/rooms').query({ type, sort, limit: 1, ...cursor }));
    expect(ids(await roomPages('number'))).toEqual([a, b, c]);
    expect(ids(await roomPages('-price_per_night'))).toEqual([c, b, a]);
    expect(ids(await roomPages('price_per_night'))).toEqual([a, b, c]);
    expect(ids(await roomPages('-capacity'))).toEqual([a, b, c]);
    const freePages = (sort: string) =>
      allPages<{ room: RoomJson }>((cursor) =>
        h.http
          .get('/api/availability')
          .query({ type, sort, check_in: day(60), check_out: day(62), limit: 1, ...cursor }),
      );
    expect((await freePages('total_price')).map((item) => item.room.id)).toEqual([a, b, c]);
    expect((await freePages('-total_price')).map((item) => item.room.id)).toEqual([c, b, a]);
    expect((await freePages('capacity')).map((item) => item.room.id)).toEqual([c, b, a]);
    const first = await h.http
      .get('/api/availability')
      .query({ type, check_in: day(60), check_out: day(62), limit: 1 });
    // A cursor is for the stay it was issued for.
    expectProblem(
      await h.http
        .get('/api/availability')
        .query({ type, check_in: day(61), check_out: day(62), limit: 1, cursor: first.body.next_cursor }),
      400,
    );
  });
});

describe('GET /api/bookings/{id}/events', () => {
  it('shows the trail to staff, admins and the owner; anyone else gets 404', async () => {
    const guest = await h.user();
    const room = await h.room();
    const booked = await h.book(guest, { room_id: room.id, check_in: day(3), check_out: day(4) }).expect(201);
    await h.http.post(`/api/bookings/${booked.body.id}/cancel`).set(guest.auth).expect(200);
    const trail = await h.http.get(`/api/bookings/${booked.body.id}/events`).set(guest.auth).expect(200);
    expect(trail.body.items).toEqual([
      {
        id: expect.any(String),
        booking_id: booked.body.id,
        action: 'created',
        actor_user_id: guest.id,
        from_status: null,
        to_status: 'pending',
        changes: {
          reference: { from: null, to: booked.body.reference },
          guest_id: { from: null, to: booked.body.guest.id },
          check_in: { from: null, to: day(3) },
          check_out: { from: null, to: day(4) },
          room_id: { from: null, to: room.id },
          guests: { from: null, to: 1 },
          total_price: { from: null, to: '100.00' },
        },
        override: false,
        at: expect.any(String),
      },
      expect.objectContaining({
        action: 'cancelled',
        from_status: 'pending',
        to_status: 'cancelled',
        changes: {},
      }),
    ]);
    await h.http.get(`/api/bookings/${booked.body.id}/events`).set(h.admin.auth).expect(200);
    expectProblem(await h.http.get(`/api/bookings/${booked.body.id}/events`).set((await h.user()).auth), 404);
    expectProblem(await h.http.get(`/api/bookings/${randomUUID()}/events`).set(h.staff.auth), 404);
    expectProblem(await h.http.get(`/api/bookings/${booked.body.id}/events`), 401);
    const newest = await h.http
      .get(`/api/bookings/${booked.body.id}/events`)
      .query({ sort: '-at', limit: 1 })
      .set(h.staff.auth)
      .expect(200);
    expect(newest.body.items[0].action).toBe('cancelled');
    expect(newest.body.next_cursor).toEqual(expect.any(String));
  });
});
