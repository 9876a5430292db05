import { expectProblem } from '../../../test/support/problem';
import { day, startHotelForTest, type HotelHarness } from '../../../test/support/hotel';

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
