import { expectProblem } from '../../../test/support/problem';
import { day, startHotelForTest, type HotelHarness, type RoomJson } from '../../../test/support/hotel';

let h: HotelHarness;
beforeAll(async () => {
  h = await startHotelForTest();
});
afterAll(() => h.close());

const missing = '00000000-0000-4000-8000-000000000000';

describe('GET /api/rooms', () => {
  it('is public, ordered by number, keyset-paginated and filtered', async () => {
    const type = `page-${Date.now()}`;
    const created = [] as RoomJson[];
    for (const [i, capacity] of [1, 2, 3, 4, 5].entries()) {
      created.push(await h.room({ number: `P${i}-${Date.now() % 100000}`, type, capacity }));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: RoomJson[]; next_cursor: string | null } } = await h.http
        .get('/api/rooms')
        .query({ type, limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((r) => r.number));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(created.map((r) => r.number).sort());

    const big = await h.http.get('/api/rooms').query({ type, min_capacity: 4 }).expect(200);
    expect(big.body.items.map((r: RoomJson) => r.capacity)).toEqual([4, 5]);
    await h.http
      .patch(`/api/rooms/${created[0]!.id}`)
      .set(h.admin.auth)
      .send({ status: 'maintenance' })
      .expect(200);
    const inMaintenance = await h.http
      .get('/api/rooms')
      .set(h.staff.auth)
      .query({ type, status: 'maintenance' })
      .expect(200);
    expect(inMaintenance.body.items.map((r: RoomJson) => r.id)).toEqual([created[0]!.id]);
  });

  it('rejects bad list parameters with 400', async () => {
    for (const query of [
      { limit: 0 },
      { limit: 101 },
      { min_capacity: 0 },
      { status: 'dirty' },
      { cursor: 'forged' },
      { foo: 'bar' },
    ]) {
      expectProblem(await h.http.get('/api/rooms').query(query), 400);
    }
  });
});

describe('GET /api/rooms/{id}', () => {
  it('returns the room JSON with money as a string: the public view, and the staff view with status and housekeeping', async () => {
    const room = await h.room({ price_per_night: '120.00', capacity: 3 });
    const publicView = {
      id: room.id,
      number: room.number,
      type: room.type,
      capacity: 3,
      price_per_night: '120.00',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    };
    expect((await h.http.get(`/api/rooms/${room.id}`).expect(200)).body).toEqual(publicView);
    const guest = await h.user('guest');
    expect((await h.http.get(`/api/rooms/${room.id}`).set(guest.auth).expect(200)).body).toEqual(publicView);
    for (const who of [h.staff, h.admin]) {
      expect((await h.http.get(`/api/rooms/${room.id}`).set(who.auth).expect(200)).body).toEqual({
        ...publicView,
        status: 'available',
        housekeeping: 'clean',
      });
    }
  });

  it('answers 404 for an unknown id and 400 for a non-uuid', async () => {
    expectProblem(await h.http.get(`/api/rooms/${missing}`), 404);
    expectProblem(await h.http.get('/api/rooms/not-a-uuid'), 400);
  });
});

describe('POST /api/rooms', () => {
  it('lets admins create rooms (201 + Location); others get 401/403', async () => {
    const body = {
      number: `C-${Date.now() % 100000}`,
      type: 'deluxe',
      capacity: 2,
      price_per_night: '99.90',
    };
    expectProblem(await h.http.post('/api/rooms').send(body), 401);
    expectProblem(
      await h.http
        .post('/api/rooms')
        .set((await h.user('guest')).auth)
        .send(body),
      403,
    );
    expectProblem(await h.http.post('/api/rooms').set(h.staff.auth).send(body), 403);
    const res = await h.http.post('/api/rooms').set(h.admin.auth).send(body).expect(201);
    expect(res.headers.location).toBe(`/api/rooms/${res.body.id}`);
    expect(res.body).toMatchObject({ ...body, status: 'available' });
  });

  it('rejects a duplicate number with 409', async () => {
    const room = await h.room();
    const before = await h.count('rooms');
    const res = await h.http
      .post('/api/rooms')
      .set(h.admin.auth)
      .send({ number: room.number, type: 'x', capacity: 1, price_per_night: '1.00' });
    expectProblem(res, 409);
    expect(await h.count('rooms')).toBe(before);
  });

  it.each([
    ['capacity 0', { capacity: 0 }],
    ['capacity 21', { capacity: 21 }],
    ['capacity as string', { capacity: '2' }],
    ['price as number', { price_per_night: 120 }],
    ['price with one decimal', { price_per_night: '12.5' }],
    ['negative price', { price_per_night: '-1.00' }],
    ['price too large', { price_per_night: '1000000.00' }],
    ['bad number', { number: 'room 1' }],
    ['status occupied', { status: 'occupied' }],
    ['unknown field', { floor: 3 }],
  ])('answers 400 for %s and writes nothing', async (_name, fields) => {
    const before = await h.count('rooms');
    const body = {
      number: `V-${Date.now() % 100000}`,
      type: 'x',
      capacity: 2,
      price_per_night: '10.00',
      ...fields,
    };
    expectProblem(await h.http.post('/api/rooms').set(h.admin.auth).send(body), 400);
    expect(await h.count('rooms')).toBe(before);
  });
});

describe('PATCH /api/rooms/{id}', () => {
  it('lets admins change any field', async () => {
    const room = await h.room();
    const res = await h.http
      .patch(`/api/rooms/${room.id}`)
      .set(h.admin.auth)
      .send({ type: 'suite', capacity: 4, price_per_night: '250.00', status: 'maintenance' })
      .expect(200);
    expect(res.body).toMatchObject({
      id: room.id,
      type: 'suite',
      capacity: 4,
      price_per_night: '250.00',
      status: 'maintenance',
    });
    expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(room.updated_at));
  });

  it('lets staff only move a room into and out of maintenance', async () => {
    const room = await h.room();
    const guest = await h.user('guest');
    expectProblem(
      await h.http.patch(`/api/rooms/${room.id}`).set(guest.auth).send({ status: 'maintenance' }),
      403,
    );
    expectProblem(await h.http.patch(`/api/rooms/${room.id}`).send({ status: 'maintenance' }), 401);
    expectProblem(
      await h.http.patch(`/api/rooms/${room.id}`).set(h.staff.auth).send({ price_per_night: '1.00' }),
      403,
    );
    expectProblem(
      await h.http
        .patch(`/api/rooms/${room.id}`)
        .set(h.staff.auth)
        .send({ status: 'maintenance', capacity: 3 }),
      403,
    );
    const down = await h.http
      .patch(`/api/rooms/${room.id}`)
      .set(h.staff.auth)
      .send({ status: 'maintenance' })
      .expect(200);
    expect(down.body.status).toBe('maintenance');
    const up = await h.http
      .patch(`/api/rooms/${room.id}`)
      .set(h.staff.auth)
      .send({ status: 'available' })
      .expect(200);
    expect(up.body.status).toBe('available');
    const [row] = await h.dataSource.query(
      'SELECT price_per_night::text AS p FROM hotel.rooms WHERE id = $1',
      [room.id],
    );
    expect(row.p).toBe('100.00');
  });

  it('refuses to change the status of an occupied room (409)', async () => {
    const room = await h.room();
    const guest = await h.user();
    const booking = await h
      .book(guest, { room_id: room.id, check_in: day(0), check_out: day(2) })
      .expect(201);
    await h.http.post(`/api/bookings/${booking.body.id}/confirm`).set(h.staff.auth).expect(200);
    await h.http.post(`/api/bookings/${booking.body.id}/check-in`).set(h.staff.auth).expect(200);
    const problem = expectProblem(
      await h.http.patch(`/api/rooms/${room.id}`).set(h.staff.auth).send({ status: 'maintenance' }),
      409,
    );
    expect(problem.current_status).toBe('occupied');
    expectProblem(
      await h.http.patch(`/api/rooms/${room.id}`).set(h.admin.auth).send({ status: 'available' }),
      409,
    );
    // Other fields of an occupied room can still be edited by admins.
    await h.http.patch(`/api/rooms/${room.id}`).set(h.admin.auth).send({ type: 'renovated' }).expect(200);
  });

  it('answers 409 for a duplicate number, 404 for unknown rooms, 400 for bad bodies', async () => {
    const a = await h.room();
    const b = await h.room();
    expectProblem(await h.http.patch(`/api/rooms/${b.id}`).set(h.admin.auth).send({ number: a.number }), 409);
    expectProblem(await h.http.patch(`/api/rooms/${missing}`).set(h.admin.auth).send({ type: 'x' }), 404);
    expectProblem(await h.http.patch('/api/rooms/not-a-uuid').set(h.admin.auth).send({ type: 'x' }), 400);
    expectProblem(await h.http.patch(`/api/rooms/${a.id}`).set(h.admin.auth).send({}), 400);
    expectProblem(
      await h.http.patch(`/api/rooms/${a.id}`).set(h.admin.auth).send({ status: 'occupied' }),
      400,
    );
    expectProblem(await h.http.patch(`/api/rooms/${a.id}`).set(h.admin.auth).send({ colour: 'red' }), 400);
  });
});

describe('DELETE /api/rooms/{id}', () => {
  it('is admin only', async () => {
    const room = await h.room();
    expectProblem(await h.http.delete(`/api/rooms/${room.id}`), 401);
    expectProblem(await h.http.delete(`/api/rooms/${room.id}`).set(h.staff.auth), 403);
    expectProblem(await h.http.delete(`/api/rooms/${room.id}`).set((await h.user()).auth), 403);
    expectProblem(await h.http.delete(`/api/rooms/${missing}`).set(h.admin.auth), 404);
  });

  it('answers 409 while a future booking holds the room, 204 once it is cancelled', async () => {
    const room = await h.room();
    const guest = await h.user();
    const booking = await h
      .book(guest, { room_id: room.id, check_in: day(10), check_out: day(12) })
      .expect(201);
    expectProblem(await h.http.delete(`/api/rooms/${room.id}`).set(h.admin.auth), 409);
    await h.http.post(`/api/bookings/${booking.body.id}/cancel`).set(guest.auth).expect(200);
    await h.http.delete(`/api/rooms/${room.id}`).set(h.admin.auth).expect(204);
    expectProblem(await h.http.get(`/api/rooms/${room.id}`), 404);
    expectProblem(await h.http.delete(`/api/rooms/${room.id}`).set(h.admin.auth), 404);
    // The booking keeps its history (and room number); the number can be reused.
    const kept = await h.http.get(`/api/bookings/${booking.body.id}`).set(guest.auth).expect(200);
    expect(kept.body.room_number).toBe(room.number);
    await h.http
      .post('/api/rooms')
      .set(h.admin.auth)
      .send({ number: room.number, type: 'x', capacity: 1, price_per_night: '1.00' })
      .expect(201);
    expectProblem(await h.book(guest, { room_id: room.id, check_in: day(20), check_out: day(21) }), 404);
  });

  it('answers 409 while a guest is checked in, even after the planned check-out date', async () => {
    const room = await h.room();
    const guest = await h.user();
    await h.guestProfile(guest);
    const b = await h
      .book(h.staff, { room_id: room.id, check_in: day(-3), check_out: day(-1), user_id: guest.id })
      .expect(201);
    await h.dataSource.query(`UPDATE hotel.bookings SET status = 'checked_in' WHERE id = $1`, [b.body.id]);
    expectProblem(await h.http.delete(`/api/rooms/${room.id}`).set(h.admin.auth), 409);
  });

  it('deletes a room whose bookings have all ended', async () => {
    const room = await h.room();
    const guest = await h.user();
    await h.guestProfile(guest);
    // A stale pending booking whose stay is over does not hold the room.
    await h
      .book(h.staff, { room_id: room.id, check_in: day(-5), check_out: day(-2), user_id: guest.id })
      .expect(201);
    await h.http.delete(`/api/rooms/${room.id}`).set(h.admin.auth).expect(204);
  });
});
