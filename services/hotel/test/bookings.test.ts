import { allPages } from '../../../test/support/pages';
import { expectProblem } from '../../../test/support/problem';
import { day, startHotelForTest, type HotelHarness } from '../../../test/support/hotel';

let h: HotelHarness;
beforeAll(async () => {
  h = await startHotelForTest();
});
afterAll(() => h.close());

const missing = '00000000-0000-4000-8000-000000000000';

describe('POST /api/bookings', () => {
  it('creates a pending booking for the caller with the total computed from the price (201 + Location)', async () => {
    const room = await h.room({ price_per_night: '120.00', capacity: 3 });
    const guest = await h.account('guest');
    const res = await h.book(guest, {
      room_id: room.id,
      check_in: day(5),
      check_out: day(8),
      guests: 2,
      notes: 'late arrival',
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/bookings/${res.body.id}`);
    expect(res.headers.etag).toBe('"v1"');
    expect(res.body).toEqual({
      id: expect.any(String),
      reference: expect.stringMatching(/^MH-[2-9A-HJKMNP-TV-Z]{6}$/),
      guest: { id: expect.any(String), name: expect.any(String), email: expect.any(String) },
      user_id: guest.id,
      room_id: room.id,
      room_number: room.number,
      check_in: day(5),
      check_out: day(8),
      nights: 3,
      guests: 2,
      status: 'pending',
      total_price: '360.00',
      notes: 'late arrival',
      check_in_record: null,
      check_out_record: null,
      cancelled_at: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it('keeps the price at booking time when the room price changes later', async () => {
    const room = await h.room({ price_per_night: '99.99' });
    const guest = await h.user();
    const res = await h.book(guest, { room_id: room.id, check_in: day(3), check_out: day(6) }).expect(201);
    expect(res.body.total_price).toBe('299.97');
    await h.http
      .patch(`/api/rooms/${room.id}`)
      .set(h.admin.auth)
      .send({ price_per_night: '500.00' })
      .expect(200);
    const again = await h.http.get(`/api/bookings/${res.body.id}`).set(guest.auth).expect(200);
    expect(again.body.total_price).toBe('299.97');
  });

  it('computes exact money for a 30-night stay at the highest price', async () => {
    const room = await h.room({ price_per_night: '999999.99' });
    const res = await h
      .book(await h.user(), { room_id: room.id, check_in: day(1), check_out: day(31) })
      .expect(201);
    expect(res.body.total_price).toBe('29999999.70');
  });

  it('allows back-to-back stays (check_out of one == check_in of the next) and refuses overlaps with 409', async () => {
    const room = await h.room();
    const a = await h.user();
    const b = await h.user();
    await h.book(a, { room_id: room.id, check_in: day(10), check_out: day(13) }).expect(201);
    await h.book(b, { room_id: room.id, check_in: day(13), check_out: day(15) }).expect(201);
    await h.book(b, { room_id: room.id, check_in: day(8), check_out: day(10) }).expect(201);
    const notificationsBefore = await h.count('notifications');
    for (const [inOffset, outOffset] of [
      [12, 14],
      [9, 11],
      [10, 13],
      [11, 12],
      [5, 20],
    ] as const) {
      const problem = expectProblem(
        await h.book(b, { room_id: room.id, check_in: day(inOffset), check_out: day(outOffset) }),
        409,
      );
      expect(problem.detail).toMatch(/already booked/);
    }
    expect(await h.count('bookings', 'room_id = $1', [room.id])).toBe(3);
    expect(await h.count('notifications')).toBe(notificationsBefore);
  });

  it('frees the dates when a booking is cancelled', async () => {
    const room = await h.room();
    const a = await h.user();
    const first = await h.book(a, { room_id: room.id, check_in: day(4), check_out: day(6) }).expect(201);
    expectProblem(await h.book(a, { room_id: room.id, check_in: day(4), check_out: day(6) }), 409);
    await h.http.post(`/api/bookings/${first.body.id}/cancel`).set(a.auth).expect(200);
    await h.book(a, { room_id: room.id, check_in: day(4), check_out: day(6) }).expect(201);
  });

  it('refuses rooms in maintenance (409), too many guests (400), unknown rooms (404)', async () => {
    const room = await h.room({ capacity: 2, status: 'maintenance' });
    const small = await h.room({ capacity: 2 });
    const guest = await h.user();
    expectProblem(await h.book(guest, { room_id: room.id, check_in: day(1), check_out: day(2) }), 409);
    const tooMany = expectProblem(
      await h.book(guest, { room_id: small.id, check_in: day(1), check_out: day(2), guests: 3 }),
      400,
    );
    expect(tooMany.errors).toEqual([expect.objectContaining({ path: 'guests' })]);
    expectProblem(await h.book(guest, { room_id: missing, check_in: day(1), check_out: day(2) }), 404);
    expect(await h.count('bookings', 'user_id = $1', [guest.id])).toBe(0);
  });

  it('refuses a past check-in for guests (400) but lets staff record one', async () => {
    const room = await h.room();
    const guest = await h.user();
    expectProblem(await h.book(guest, { room_id: room.id, check_in: day(-1), check_out: day(2) }), 400);
    await h.book(guest, { room_id: room.id, check_in: day(0), check_out: day(1) }).expect(201);
    const res = await h
      .book(h.staff, { room_id: room.id, check_in: day(-2), check_out: day(0), user_id: guest.id })
      .expect(201);
    expect(res.body.user_id).toBe(guest.id);
  });

  it('lets staff and admins book for a guest; a guest naming someone else gets 403', async () => {
    const room = await h.room();
    const guest = await h.user();
    const other = await h.user();
    expectProblem(
      await h.book(guest, { room_id: room.id, check_in: day(1), check_out: day(2), user_id: other.id }),
      403,
    );
    await h
      .book(guest, { room_id: room.id, check_in: day(1), check_out: day(2), user_id: guest.id })
      .expect(201);
    // An account without a guest profile yet: staff create or link one first.
    expectProblem(
      await h.book(h.admin, { room_id: room.id, check_in: day(2), check_out: day(3), user_id: other.id }),
      422,
    );
    await h.guestProfile(other);
    const byAdmin = await h
      .book(h.admin, { room_id: room.id, check_in: day(2), check_out: day(3), user_id: other.id })
      .expect(201);
    expect(byAdmin.body.user_id).toBe(other.id);
    const [row] = await h.dataSource.query('SELECT created_by FROM hotel.bookings WHERE id = $1', [
      byAdmin.body.id,
    ]);
    expect(row.created_by).toBe(h.admin.id);
    // The booking and its notification belong to the guest.
    const listed = await h.http.get('/api/bookings').set(other.auth).expect(200);
    expect(listed.body.items.map((b: { id: string }) => b.id)).toEqual([byAdmin.body.id]);
  });

  it('applies the stay rules: 30 nights yes, 31 no; check_out after check_in; leap days', async () => {
    const room = await h.room();
    const guest = await h.user();
    await h.book(guest, { room_id: room.id, check_in: day(100), check_out: day(130) }).expect(201);
    expectProblem(await h.book(guest, { room_id: room.id, check_in: day(200), check_out: day(231) }), 400);
    expectProblem(await h.book(guest, { room_id: room.id, check_in: day(300), check_out: day(300) }), 400);
    expectProblem(await h.book(guest, { room_id: room.id, check_in: day(301), check_out: day(300) }), 400);
    // 2028 is a leap year; 2027 is not (a date that does not exist is a 400).
    const leap = await h.room();
    const res = await h
      .book(guest, { room_id: leap.id, check_in: '2028-02-28', check_out: '2028-03-01' })
      .expect(201);
    expect(res.body.nights).toBe(2);
    await h.book(guest, { room_id: leap.id, check_in: '2028-03-01', check_out: '2028-03-02' }).expect(201);
    expectProblem(
      await h.book(guest, { room_id: leap.id, check_in: '2027-02-29', check_out: '2027-03-02' }),
      400,
    );
  });

  it.each([
    ['an impossible date', { check_in: '2026-02-30' }],
    ['a malformed date', { check_in: '2026-2-3' }],
    ['zero guests', { guests: 0 }],
    ['negative guests', { guests: -1 }],
    ['guests as a string', { guests: '1' }],
    ['a non-uuid room', { room_id: 'room-1' }],
    ['an unknown field', { price: '1.00' }],
    ['a missing check_out', { check_out: undefined }],
  ])('answers 400 for %s and writes nothing', async (_name, fields) => {
    const room = await h.room();
    const guest = await h.user();
    const before = await h.count('bookings');
    const body = { room_id: room.id, check_in: day(1), check_out: day(3), guests: 1, ...fields };
    expectProblem(await h.http.post('/api/bookings').set(guest.auth).send(body), 400);
    expect(await h.count('bookings')).toBe(before);
    expect(await h.count('notifications', 'user_id = $1', [guest.id])).toBe(0);
  });

  it('requires a token', async () => {
    expectProblem(await h.http.post('/api/bookings').send({}), 401);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, 422 for another body', async () => {
    const room = await h.room();
    const guest = await h.user();
    const body = { room_id: room.id, check_in: day(7), check_out: day(9), guests: 1 };
    const first = await h.book(guest, body, { 'Idempotency-Key': 'abc' }).expect(201);
    const second = await h.book(
      guest,
      { guests: 1, check_out: day(9), check_in: day(7), room_id: room.id },
      { 'Idempotency-Key': 'abc' },
    );
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await h.count('bookings', 'room_id = $1', [room.id])).toBe(1);
    const other = { ...body, check_out: day(10) };
    expectProblem(await h.book(guest, other, { 'Idempotency-Key': 'abc' }), 422);
    // Keys are per user: another guest may use the same key (and gets the overlap 409).
    expectProblem(await h.book(await h.user(), body, { 'Idempotency-Key': 'abc' }), 409);
    expect(await h.count('bookings', 'room_id = $1', [room.id])).toBe(1);
  });

  it('stores nothing for a failed request: a retry runs again', async () => {
    const room = await h.room();
    const a = await h.user();
    const b = await h.user();
    const taken = await h.book(a, { room_id: room.id, check_in: day(3), check_out: day(4) }).expect(201);
    const body = { room_id: room.id, check_in: day(3), check_out: day(4) };
    expectProblem(await h.book(b, body, { 'Idempotency-Key': 'k1' }), 409);
    expect(await h.count('idempotency_keys', 'user_id = $1', [b.id])).toBe(0);
    await h.http.post(`/api/bookings/${taken.body.id}/cancel`).set(a.auth).expect(200);
    await h.book(b, body, { 'Idempotency-Key': 'k1' }).expect(201);
  });

  it('forgets keys after their time to live', async () => {
    const room = await h.room();
    const guest = await h.user();
    const body = { room_id: room.id, check_in: day(3), check_out: day(4) };
    const first = await h.book(guest, body, { 'Idempotency-Key': 'old' }).expect(201);
    await h.dataSource.query(
      `UPDATE hotel.idempotency_keys SET created_at = now() - interval '25 hours' WHERE user_id = $1`,
      [guest.id],
    );
    await h.http.post(`/api/bookings/${first.body.id}/cancel`).set(guest.auth).expect(200);
    const again = await h.book(guest, body, { 'Idempotency-Key': 'old' }).expect(201);
    expect(again.body.id).not.toBe(first.body.id);
  });

  it('rejects an empty or oversized key', async () => {
    const room = await h.room();
    const guest = await h.user();
    const body = { room_id: room.id, check_in: day(3), check_out: day(4) };
    expectProblem(await h.book(guest, body, { 'Idempotency-Key': 'x'.repeat(201) }), 400);
  });
});

describe('reading bookings', () => {
  it('shows a booking to its owner and staff; another guest gets 404', async () => {
    const room = await h.room();
    const a = await h.user();
    const b = await h.user();
    const booking = await h.book(a, { room_id: room.id, check_in: day(2), check_out: day(3) }).expect(201);
    await h.http.get(`/api/bookings/${booking.body.id}`).set(a.auth).expect(200);
    await h.http.get(`/api/bookings/${booking.body.id}`).set(h.staff.auth).expect(200);
    await h.http.get(`/api/bookings/${booking.body.id}`).set(h.admin.auth).expect(200);
    expectProblem(await h.http.get(`/api/bookings/${booking.body.id}`).set(b.auth), 404);
    expectProblem(await h.http.get(`/api/bookings/${booking.body.id}`), 401);
    expectProblem(await h.http.get(`/api/bookings/${missing}`).set(h.staff.auth), 404);
    expectProblem(await h.http.get('/api/bookings/123').set(h.staff.auth), 400);
  });

  it('lists own bookings for guests (never others), all for staff, with filters and pagination', async () => {
    const room = await h.room();
    const a = await h.user();
    const b = await h.user();
    const mine = [];
    for (let i = 0; i < 5; i++) {
      mine.push(
        (
          await h
            .book(a, { room_id: room.id, check_in: day(40 + i * 2), check_out: day(41 + i * 2) })
            .expect(201)
        ).body.id,
      );
    }
    const theirs = (await h.book(b, { room_id: room.id, check_in: day(60), check_out: day(61) }).expect(201))
      .body.id;

    const seen = (
      await allPages((cursor) =>
        h.http
          .get('/api/bookings')
          .query({ limit: 2, ...cursor })
          .set(a.auth),
      )
    ).map((x) => x.id);
    expect(seen).toEqual([...mine].reverse());

    const probing = await h.http.get('/api/bookings').query({ user_id: b.id }).set(a.auth).expect(200);
    expect(probing.body.items).toEqual([]);

    const staffView = await h.http
      .get('/api/bookings')
      .query({ room_id: room.id, limit: 100 })
      .set(h.staff.auth)
      .expect(200);
    expect(staffView.body.items.map((x: { id: string }) => x.id)).toEqual(
      expect.arrayContaining([...mine, theirs]),
    );
    const byUser = await h.http.get('/api/bookings').query({ user_id: b.id }).set(h.staff.auth).expect(200);
    expect(byUser.body.items.map((x: { id: string }) => x.id)).toEqual([theirs]);

    await h.http.post(`/api/bookings/${mine[0]}/confirm`).set(h.staff.auth).expect(200);
    const confirmed = await h.http
      .get('/api/bookings')
      .query({ status: 'confirmed', room_id: room.id })
      .set(h.admin.auth)
      .expect(200);
    expect(confirmed.body.items.map((x: { id: string }) => x.id)).toEqual([mine[0]]);

    // Date range: stays overlapping [day(44), day(47)) → the ones starting on day 44 and 46.
    const range = await h.http
      .get('/api/bookings')
      .query({ from: day(44), to: day(47) })
      .set(a.auth)
      .expect(200);
    expect(range.body.items.map((x: { id: string }) => x.id)).toEqual([mine[3], mine[2]]);
  });

  it('rejects bad list filters', async () => {
    const guest = await h.user();
    for (const query of [
      { from: day(5), to: day(5) },
      { from: '2026-13-01' },
      { status: 'lost' },
      { room_id: 'nope' },
      { limit: 0 },
      { cursor: 'x' },
      { unknown: 1 },
    ]) {
      expectProblem(await h.http.get('/api/bookings').query(query).set(guest.auth), 400);
    }
    expectProblem(await h.http.get('/api/bookings'), 401);
  });
});
