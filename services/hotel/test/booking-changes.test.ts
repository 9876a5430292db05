import { expectProblem } from '../../../test/support/problem';
import { day, startHotelForTest, type HotelHarness, type TestUser } from '../../../test/support/hotel';

let h: HotelHarness;
beforeAll(async () => {
  h = await startHotelForTest();
});
afterAll(() => h.close());

const missing = '00000000-0000-4000-8000-000000000000';

const patch = (who: TestUser, id: string, body: Record<string, unknown>, ifMatch?: string) => {
  const req = h.http.patch(`/api/bookings/${id}`).set(who.auth);
  return (ifMatch === undefined ? req : req.set('If-Match', ifMatch)).send(body);
};

/** A guest's pending booking of a fresh room (capacity 3, 100.00 a night), `[in, out)` days from today. */
async function booking(guest: TestUser, offsets: [number, number] = [10, 12]) {
  const room = await h.room({ capacity: 3, price_per_night: '100.00' });
  const res = await h.book(guest, {
    room_id: room.id,
    check_in: day(offsets[0]),
    check_out: day(offsets[1]),
  });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, room, etag: res.headers.etag as string };
}

/** How many rows a booking has written beside itself: audit events and notifications. */
const trail = async (id: string) => ({
  events: await h.count('booking_events', 'booking_id = $1', [id]),
  notifications: await h.count('notifications', 'booking_id = $1', [id]),
});

describe('PATCH /api/bookings/{id}', () => {
  it('changes dates, room and guests, re-prices from the room’s current price, and writes the event and notification', async () => {
    const guest = await h.user();
    const { id, room, etag } = await booking(guest);
    expect(etag).toBe('"v1"');
    await h.http
      .patch(`/api/rooms/${room.id}`)
      .set(h.admin.auth)
      .send({ price_per_night: '120.00' })
      .expect(200);
    const changed = await patch(guest, id, { check_out: day(13), guests: 2 }, etag).expect(200);
    expect(changed.headers.etag).toBe('"v2"');
    expect(changed.body).toMatchObject({
      check_in: day(10),
      check_out: day(13),
      nights: 3,
      guests: 2,
      total_price: '360.00',
    });

    const other = await h.room({ capacity: 2, price_per_night: '80.00' });
    const moved = await patch(guest, id, { room_id: other.id, check_in: day(11) }, '"v2"').expect(200);
    expect(moved.body).toMatchObject({
      room_id: other.id,
      room_number: other.number,
      nights: 2,
      total_price: '160.00',
    });

    const events = await h.http.get(`/api/bookings/${id}/events`).set(guest.auth).expect(200);
    expect(events.body.items.map((e: { action: string }) => e.action)).toEqual([
      'created',
      'changed',
      'changed',
    ]);
    expect(events.body.items[1]).toMatchObject({
      actor_user_id: guest.id,
      from_status: 'pending',
      to_status: 'pending',
      override: false,
      changes: {
        check_out: { from: day(12), to: day(13) },
        guests: { from: 1, to: 2 },
        total_price: { from: '200.00', to: '360.00' },
      },
    });
    expect(events.body.items[2].changes).toEqual({
      room_id: { from: room.id, to: other.id },
      check_in: { from: day(10), to: day(11) },
      total_price: { from: '360.00', to: '160.00' },
    });
    const notes = await h.http.get('/api/notifications').set(guest.auth).expect(200);
    expect(notes.body.items[0]).toMatchObject({ type: 'booking_changed', booking_id: id });
    expect(notes.body.items[0].message).toContain(moved.body.reference);
  });

  it('a stale If-Match is 412 and changes nothing; * matches; a weak or malformed tag never matches', async () => {
    const guest = await h.user();
    const { id } = await booking(guest);
    await patch(guest, id, { guests: 2 }).expect(200);
    const before = await trail(id);
    for (const stale of ['"v1"', 'W/"v2"', 'v2', '"v3"', '"v1", "v3"']) {
      expectProblem(await patch(guest, id, { guests: 3 }, stale), 412);
    }
    expect(await trail(id)).toEqual(before);
    await patch(guest, id, { guests: 3 }, '"v1", "v2"').expect(200);
    const any = await patch(guest, id, { guests: 1 }, '*').expect(200);
    expect(any.headers.etag).toBe('"v4"');
  });

  it('GET honours If-None-Match: 304 while the booking is unchanged, 200 with the new ETag after a change', async () => {
    const guest = await h.user();
    const { id, etag } = await booking(guest);
    const fresh = await h.http
      .get(`/api/bookings/${id}`)
      .set(guest.auth)
      .set('If-None-Match', etag)
      .expect(304);
    expect(fresh.headers.etag).toBe(etag);
    expect(fresh.text).toBe('');
    await h.http.get(`/api/bookings/${id}`).set(guest.auth).set('If-None-Match', '"v0", "v1"').expect(304);
    await h.http.get(`/api/bookings/${id}`).set(guest.auth).set('If-None-Match', '*').expect(304);
    await h.http.post(`/api/bookings/${id}/confirm`).set(h.staff.auth).set('If-Match', etag).expect(200);
    const after = await h.http
      .get(`/api/bookings/${id}`)
      .set(guest.auth)
      .set('If-None-Match', etag)
      .expect(200);
    expect(after.headers.etag).toBe('"v2"');
    // Someone else's booking is a 404 whatever the tags.
    expectProblem(
      await h.http
        .get(`/api/bookings/${id}`)
        .set((await h.user()).auth)
        .set('If-None-Match', '*'),
      404,
    );
  });

  it('a change that changes nothing is 422; bad input is 400; both write nothing', async () => {
    const guest = await h.user();
    const { id, room } = await booking(guest);
    const before = await trail(id);
    expectProblem(await patch(guest, id, { check_in: day(10), guests: 1 }), 422);
    for (const body of [
      {},
      { room_id: room.id, nights: 3 },
      { check_out: day(10) },
      { check_out: day(9) },
      { check_out: day(41) },
      { check_in: '2026-02-30' },
      { check_in: day(-1) },
      { guests: 4 },
      { guests: 0 },
    ]) {
      expectProblem(await patch(guest, id, body), 400);
    }
    expect(await trail(id)).toEqual(before);
  });

  it('an overlap is 409 with the conflicting stay’s dates (never its id or guest); a room in maintenance is 409; an unknown room 404', async () => {
    const guest = await h.user();
    const { id, room } = await booking(guest, [10, 12]);
    const other = await h.user();
    const blocker = await h
      .book(other, { room_id: room.id, check_in: day(14), check_out: day(17) })
      .expect(201);
    const conflict = expectProblem(await patch(guest, id, { check_out: day(15) }), 409);
    expect(conflict.conflict).toEqual({ check_in: day(14), check_out: day(17) });
    expect(JSON.stringify(conflict)).not.toContain(blocker.body.id);
    expect(JSON.stringify(conflict)).not.toContain(blocker.body.guest.id);
    // Back to back is fine (stays are half-open).
    await patch(guest, id, { check_out: day(14) }).expect(200);

    const closed = await h.room({ capacity: 3, status: 'maintenance' });
    expectProblem(await patch(guest, id, { room_id: closed.id }), 409);
    expectProblem(await patch(guest, id, { room_id: missing }), 404);
    const small = await h.room({ capacity: 1 });
    await patch(guest, id, { guests: 2 }).expect(200);
    expectProblem(await patch(guest, id, { room_id: small.id }), 400);
  });

  it('guests change only their own bookings (another’s is 404), and only before the stay begins', async () => {
    const guest = await h.user();
    const { id } = await booking(guest);
    expectProblem(await patch(await h.user(), id, { guests: 2 }), 404);
    expectProblem(await h.http.patch(`/api/bookings/${id}`).send({ guests: 2 }), 401);
    expectProblem(await patch(guest, missing, { guests: 2 }), 404);
    // Staff may move a stay into the past (a late entry); guests may not.
    await patch(h.staff, id, { check_in: day(-1) }).expect(200);
    expectProblem(await patch(guest, id, { guests: 2 }), 400);
  });

  it('a checked-in stay: staff extend or shorten its check_out (not before today); anything else is 409; guests 403', async () => {
    const guest = await h.user();
    await h.guestProfile(guest);
    const room = await h.room({ capacity: 2 });
    const stay = await h
      .book(h.staff, { room_id: room.id, check_in: day(-2), check_out: day(1), user_id: guest.id })
      .expect(201);
    const id = stay.body.id as string;
    await h.http.post(`/api/bookings/${id}/confirm`).set(h.staff.auth).expect(200);
    await h.http.post(`/api/bookings/${id}/check-in`).set(h.staff.auth).expect(200);
    expectProblem(await patch(guest, id, { check_out: day(3) }), 403);
    const extended = await patch(h.staff, id, { check_out: day(3) }).expect(200);
    expect(extended.body).toMatchObject({ status: 'checked_in', nights: 5, total_price: '500.00' });
    await patch(h.staff, id, { check_out: day(0), check_in: day(-2) }).expect(200);
    expectProblem(await patch(h.staff, id, { check_out: day(-1) }), 400);
    for (const body of [{ guests: 2 }, { check_in: day(-1) }, { room_id: (await h.room()).id }]) {
      expect(expectProblem(await patch(h.staff, id, body), 409).current_status).toBe('checked_in');
    }
    await h.http.post(`/api/bookings/${id}/check-out`).set(h.admin.auth).expect(200);
    expect(expectProblem(await patch(h.staff, id, { check_out: day(2) }), 409).current_status).toBe(
      'checked_out',
    );
  });
});

describe('life-cycle steps honour If-Match', () => {
  it('confirm, cancel, no-show, check-in and check-out answer 412 to a stale tag and carry the new ETag', async () => {
    const guest = await h.user();
    await h.guestProfile(guest);
    const room = await h.room();
    const made = await h
      .book(h.staff, { room_id: room.id, check_in: day(-1), check_out: day(2), user_id: guest.id })
      .expect(201);
    const id = made.body.id as string;
    const etag = made.headers.etag as string;
    expectProblem(
      await h.http.post(`/api/bookings/${id}/confirm`).set(h.staff.auth).set('If-Match', '"v9"'),
      412,
    );
    const confirmed = await h.http
      .post(`/api/bookings/${id}/confirm`)
      .set(h.staff.auth)
      .set('If-Match', etag);
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers.etag).toBe('"v2"');
    for (const step of ['cancel', 'no-show', 'check-in']) {
      expectProblem(
        await h.http.post(`/api/bookings/${id}/${step}`).set(h.staff.auth).set('If-Match', etag),
        412,
      );
    }
    expectProblem(await h.http.post(`/api/bookings/${id}/cancel`).set(guest.auth).set('If-Match', etag), 412);
    const checkedIn = await h.http
      .post(`/api/bookings/${id}/check-in`)
      .set(h.staff.auth)
      .set('If-Match', '"v2"');
    expect(checkedIn.headers.etag).toBe('"v3"');
    expectProblem(
      await h.http.post(`/api/bookings/${id}/check-out`).set(h.staff.auth).set('If-Match', '"v2"'),
      412,
    );
    await h.http.post(`/api/bookings/${id}/check-out`).set(h.staff.auth).set('If-Match', '"v3"').expect(200);
  });
});
