import { expectProblem } from '../../../test/support/problem';
import { day, startHotelForTest, type HotelHarness } from '../../../test/support/hotel';

let h: HotelHarness;
beforeAll(async () => {
  h = await startHotelForTest();
});
afterAll(() => h.close());

interface Note {
  id: string;
  booking_id: string | null;
  type: string;
  message: string;
  read_at: string | null;
}

const list = async (who: { auth: { Authorization: string } }, query: Record<string, unknown> = {}) =>
  (await h.http.get('/api/notifications').query(query).set(who.auth).expect(200)).body as {
    items: Note[];
    next_cursor: string | null;
  };

describe('notifications', () => {
  it('are written for every booking event, for the booking user, newest first', async () => {
    const room = await h.room();
    const guest = await h.user();
    await h.guestProfile(guest);
    const a = await h
      .book(h.staff, { room_id: room.id, check_in: day(-1), check_out: day(1), user_id: guest.id })
      .expect(201);
    for (const step of ['confirm', 'check-in', 'check-out']) {
      await h.http.post(`/api/bookings/${a.body.id}/${step}`).set(h.staff.auth).expect(200);
    }
    const b = await h.book(guest, { room_id: room.id, check_in: day(5), check_out: day(6) }).expect(201);
    await h.http.post(`/api/bookings/${b.body.id}/cancel`).set(guest.auth).expect(200);
    const c = await h
      .book(h.staff, { room_id: room.id, check_in: day(-3), check_out: day(-2), user_id: guest.id })
      .expect(201);
    await h.http.post(`/api/bookings/${c.body.id}/confirm`).set(h.staff.auth).expect(200);
    await h.http.post(`/api/bookings/${c.body.id}/no-show`).set(h.staff.auth).expect(200);

    const page = await list(guest, { limit: 100 });
    expect(page.items.map((n) => [n.type, n.booking_id])).toEqual([
      ['booking_no_show', c.body.id],
      ['booking_confirmed', c.body.id],
      ['booking_created', c.body.id],
      ['booking_cancelled', b.body.id],
      ['booking_created', b.body.id],
      ['booking_checked_out', a.body.id],
      ['booking_checked_in', a.body.id],
      ['booking_confirmed', a.body.id],
      ['booking_created', a.body.id],
    ]);
    expect(page.items.every((n) => n.read_at === null && n.message.includes(room.number))).toBe(true);
    // Staff who acted got none.
    expect(
      (await list(h.staff)).items.filter((n) =>
        [a.body.id, b.body.id, c.body.id].includes(n.booking_id ?? ''),
      ),
    ).toEqual([]);
  });

  it('a failed transaction leaves no notification (409 overlap, 409 illegal transition)', async () => {
    const room = await h.room();
    const a = await h.user();
    const b = await h.user();
    const booking = await h.book(a, { room_id: room.id, check_in: day(3), check_out: day(5) }).expect(201);
    const before = await h.count('notifications');
    expectProblem(await h.book(b, { room_id: room.id, check_in: day(4), check_out: day(6) }), 409);
    expectProblem(await h.http.post(`/api/bookings/${booking.body.id}/check-out`).set(h.staff.auth), 409);
    expect(await h.count('notifications')).toBe(before);
    expect((await list(b)).items).toEqual([]);
  });

  it('are marked read (idempotently, keeping the first read_at), filtered by unread, paginated', async () => {
    const room = await h.room();
    const guest = await h.user();
    for (let i = 0; i < 3; i++)
      await h.book(guest, { room_id: room.id, check_in: day(10 + i), check_out: day(11 + i) }).expect(201);
    const all = await list(guest);
    expect(all.items).toHaveLength(3);
    const target = all.items[1]!;
    const read = await h.http.post(`/api/notifications/${target.id}/read`).set(guest.auth).expect(200);
    expect(read.body).toMatchObject({ id: target.id, read_at: expect.any(String) });
    const again = await h.http.post(`/api/notifications/${target.id}/read`).set(guest.auth).expect(200);
    expect(again.body.read_at).toBe(read.body.read_at);
    expect((await list(guest, { unread: true })).items.map((n) => n.id)).toEqual([
      all.items[0]!.id,
      all.items[2]!.id,
    ]);
    expect((await list(guest, { unread: false })).items.map((n) => n.id)).toEqual([target.id]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Note[]; next_cursor: string | null } = await list(guest, {
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.items.map((n) => n.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((n) => n.id));
  });

  it("someone else's notification is a 404; bad input is a 400; anonymous is a 401", async () => {
    const room = await h.room();
    const owner = await h.user();
    const other = await h.user();
    await h.book(owner, { room_id: room.id, check_in: day(2), check_out: day(3) }).expect(201);
    const [note] = (await list(owner)).items;
    expectProblem(await h.http.post(`/api/notifications/${note!.id}/read`).set(other.auth), 404);
    expectProblem(await h.http.post(`/api/notifications/${note!.id}/read`).set(h.admin.auth), 404);
    expect((await list(owner)).items[0]!.read_at).toBeNull();
    expectProblem(await h.http.post('/api/notifications/zzz/read').set(owner.auth), 400);
    expectProblem(await h.http.get('/api/notifications').query({ unread: 'maybe' }).set(owner.auth), 400);
    expectProblem(await h.http.get('/api/notifications'), 401);
  });
});
