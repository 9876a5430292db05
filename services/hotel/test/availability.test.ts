import { expectProblem } from '../../../test/support/problem';
import { day, startHotelForTest, type HotelHarness, type RoomJson } from '../../../test/support/hotel';

let h: HotelHarness;
beforeAll(async () => {
  h = await startHotelForTest();
});
afterAll(() => h.close());

interface Item {
  room: { id: string; number: string; price_per_night: string };
  nights: number;
  total_price: string;
}

const search = async (query: Record<string, unknown>) => {
  const res = await h.http.get('/api/availability').query(query).expect(200);
  return res.body as { items: Item[]; next_cursor: string | null };
};
const ids = (page: { items: Item[] }) => page.items.map((i) => i.room.id);

describe('GET /api/availability', () => {
  it('is public and lists free rooms with the price of the stay, cheapest first', async () => {
    const type = 'avail-basic';
    const cheap = await h.room({ type, price_per_night: '80.50' });
    const dear = await h.room({ type, price_per_night: '120.00' });
    const page = await search({ check_in: day(10), check_out: day(13), type });
    expect(page.items).toEqual([
      { room: expect.objectContaining({ id: cheap.id }), nights: 3, total_price: '241.50' },
      { room: expect.objectContaining({ id: dear.id }), nights: 3, total_price: '360.00' },
    ]);
    expect(page.next_cursor).toBeNull();
  });

  it('excludes rooms with an overlapping active booking, not back-to-back ones, and frees cancelled dates', async () => {
    const type = 'avail-overlap';
    const room = await h.room({ type });
    const guest = await h.user();
    const booking = await h
      .book(guest, { room_id: room.id, check_in: day(20), check_out: day(23) })
      .expect(201);
    expect(ids(await search({ check_in: day(22), check_out: day(24), type }))).toEqual([]);
    expect(ids(await search({ check_in: day(18), check_out: day(21), type }))).toEqual([]);
    expect(ids(await search({ check_in: day(19), check_out: day(30), type }))).toEqual([]);
    expect(ids(await search({ check_in: day(23), check_out: day(25), type }))).toEqual([room.id]);
    expect(ids(await search({ check_in: day(17), check_out: day(20), type }))).toEqual([room.id]);
    await h.http.post(`/api/bookings/${booking.body.id}/confirm`).set(h.staff.auth).expect(200);
    expect(ids(await search({ check_in: day(21), check_out: day(22), type }))).toEqual([]);
    await h.http.post(`/api/bookings/${booking.body.id}/cancel`).set(h.staff.auth).expect(200);
    expect(ids(await search({ check_in: day(21), check_out: day(22), type }))).toEqual([room.id]);
  });

  it('excludes rooms in maintenance; an occupied room is available for later dates', async () => {
    const type = 'avail-status';
    const maintenance = await h.room({ type, status: 'maintenance' });
    const occupied = await h.room({ type });
    const guest = await h.user();
    const stay = await h
      .book(guest, { room_id: occupied.id, check_in: day(0), check_out: day(2) })
      .expect(201);
    await h.http.post(`/api/bookings/${stay.body.id}/confirm`).set(h.staff.auth).expect(200);
    await h.http.post(`/api/bookings/${stay.body.id}/check-in`).set(h.staff.auth).expect(200);
    expect((await h.http.get(`/api/rooms/${occupied.id}`).set(h.staff.auth)).body.status).toBe('occupied');
    expect(ids(await search({ check_in: day(1), check_out: day(3), type }))).toEqual([]);
    expect(ids(await search({ check_in: day(2), check_out: day(4), type }))).toEqual([occupied.id]);
    expect(ids(await search({ check_in: day(2), check_out: day(4), type }))).not.toContain(maintenance.id);
  });

  it('filters by guests (capacity) and type', async () => {
    const type = 'avail-capacity';
    const small = await h.room({ type, capacity: 2 });
    const family = await h.room({ type, capacity: 5, price_per_night: '150.00' });
    expect(ids(await search({ check_in: day(5), check_out: day(6), type, guests: 3 }))).toEqual([family.id]);
    expect(ids(await search({ check_in: day(5), check_out: day(6), type, guests: 2 }))).toEqual([
      small.id,
      family.id,
    ]);
    expect(ids(await search({ check_in: day(5), check_out: day(6), type: 'no-such-type' }))).toEqual([]);
  });

  it('paginates with an opaque cursor', async () => {
    const type = 'avail-pages';
    const rooms = [];
    for (const price of ['10.00', '20.00', '20.00', '30.00', '40.00'])
      rooms.push(await h.room({ type, price_per_night: price }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Item[]; next_cursor: string | null } = await search({
        check_in: day(1),
        check_out: day(2),
        type,
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...ids(page));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(rooms.map((r) => r.id)));
    expect(seen[0]).toBe(rooms[0]!.id);
    expect(seen[4]).toBe(rooms[4]!.id);
  });

  it('agrees with a plain overlap check on rooms with many stays, page after page', async () => {
    const type = 'avail-model';
    const walkIn = await h.walkIn();
    // Eight rooms (prices with ties), each with stays of 1–30 nights, back to back or with
    // gaps; every third cancelled (its dates free again, and a later stay may reuse them).
    const prices = ['50.00', '50.00', '60.00', '40.00', '60.00', '70.00', '50.00', '45.00'];
    const stays: Array<{ roomId: string; checkIn: number; checkOut: number; active: boolean }> = [];
    const rooms: RoomJson[] = [];
    for (const [i, price] of prices.entries()) {
      const room = await h.room({ type, price_per_night: price });
      rooms.push(room);
      let start = 1 + (i % 3);
      for (let k = 0; start < 75; k++) {
        const nights = [1, 30, 2, 5, 1, 12, 3][(i + k) % 7]!;
        const res = await h
          .book(h.staff, {
            room_id: room.id,
            guest_id: walkIn.id,
            check_in: day(start),
            check_out: day(start + nights),
          })
          .expect(201);
        const cancelled = (i + k) % 3 === 0;
        if (cancelled) {
          await h.http.post(`/api/bookings/${res.body.id}/cancel`).set(h.staff.auth).expect(200);
        }
        stays.push({ roomId: room.id, checkIn: start, checkOut: start + nights, active: !cancelled });
        // Back to back after an odd stay, a gap of (i % 4) nights otherwise; after a
        // cancelled stay the next one may start inside its dates.
        start += cancelled ? Math.ceil(nights / 2) : nights + ((i + k) % 2 === 0 ? 0 : i % 4);
      }
    }
    const free = (from: number, to: number) =>
      rooms
        .filter(
          (room) =>
            !stays.some((s) => s.active && s.roomId === room.id && s.checkIn < to && s.checkOut > from),
        )
        .map((room) => room.id);
    for (let from = 0; from < 80; from += 3) {
      for (const nights of [1, 2, 4, 9, 30]) {
        const query = { check_in: day(from), check_out: day(from + nights), type };
        const paged: string[] = [];
        let cursor: string | null = null;
        do {
          const page: { items: Item[]; next_cursor: string | null } = await search({
            ...query,
            limit: 3,
            ...(cursor ? { cursor } : {}),
          });
          paged.push(...ids(page));
          cursor = page.next_cursor;
        } while (cursor);
        expect({ from, nights, rooms: [...paged].sort() }).toEqual({
          from,
          nights,
          rooms: free(from, from + nights).sort(),
        });
        expect(ids(await search({ ...query, limit: 100 }))).toEqual(paged);
      }
    }
  }, 60_000);

  it('accepts 30 nights, rejects 31, and handles Feb 29', async () => {
    const type = 'avail-dates';
    await h.room({ type, price_per_night: '10.00' });
    const thirty = await search({ check_in: day(1), check_out: day(31), type });
    expect(thirty.items[0]).toMatchObject({ nights: 30, total_price: '300.00' });
    expectProblem(await h.http.get('/api/availability').query({ check_in: day(1), check_out: day(32) }), 400);
    const leap = await search({ check_in: '2028-02-28', check_out: '2028-03-01', type });
    expect(leap.items[0]).toMatchObject({ nights: 2, total_price: '20.00' });
    const common = await search({ check_in: '2027-02-28', check_out: '2027-03-01', type });
    expect(common.items[0]).toMatchObject({ nights: 1 });
  });

  it.each([
    ['check_out equal to check_in', { check_in: '2030-01-10', check_out: '2030-01-10' }],
    ['check_out before check_in', { check_in: '2030-01-10', check_out: '2030-01-09' }],
    ['an impossible date', { check_in: '2026-02-30', check_out: '2026-03-02' }],
    ['Feb 29 of a common year', { check_in: '2027-02-29', check_out: '2027-03-02' }],
    ['a missing check_out', { check_in: '2030-01-10' }],
    ['zero guests', { check_in: '2030-01-10', check_out: '2030-01-11', guests: 0 }],
    ['non-numeric guests', { check_in: '2030-01-10', check_out: '2030-01-11', guests: 'two' }],
    ['an unknown parameter', { check_in: '2030-01-10', check_out: '2030-01-11', view: 'sea' }],
    ['a forged cursor', { check_in: '2030-01-10', check_out: '2030-01-11', cursor: 'abc' }],
  ])('answers 400 for %s', async (_name, query) => {
    expectProblem(await h.http.get('/api/availability').query(query), 400);
  });
});
