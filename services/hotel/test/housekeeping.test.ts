import { expectProblem } from '../../../test/support/problem';
import { day, startHotelForTest, type HotelHarness, type RoomJson } from '../../../test/support/hotel';

let h: HotelHarness;
beforeAll(async () => {
  h = await startHotelForTest();
});
afterAll(() => h.close());

const missing = '00000000-0000-4000-8000-000000000000';
const clean = (roomId: string, housekeeping = 'clean') =>
  h.http.post(`/api/rooms/${roomId}/housekeeping`).set(h.staff.auth).send({ housekeeping });

/** A confirmed walk-in stay of a fresh room, from yesterday to tomorrow. */
async function confirmedStay(room?: RoomJson) {
  const target = room ?? (await h.room());
  const res = await h
    .book(h.staff, {
      room_id: target.id,
      check_in: day(-1),
      check_out: day(1),
      guest_id: (await h.walkIn()).id,
    })
    .expect(201);
  await h.http.post(`/api/bookings/${res.body.id}/confirm`).set(h.staff.auth).expect(200);
  return { id: res.body.id as string, room: target };
}

describe('housekeeping', () => {
  it('check-out leaves the room dirty; staff find it by the housekeeping filter and set it clean or inspected', async () => {
    const { id, room } = await confirmedStay();
    await h.http.post(`/api/bookings/${id}/check-in`).set(h.staff.auth).expect(200);
    await h.http.post(`/api/bookings/${id}/check-out`).set(h.staff.auth).expect(200);
    const dirty = await h.http
      .get('/api/rooms')
      .query({ housekeeping: 'dirty', limit: 100 })
      .set(h.staff.auth)
      .expect(200);
    expect(dirty.body.items.map((r: RoomJson) => r.id)).toContain(room.id);
    expect(dirty.body.items.every((r: RoomJson) => r.housekeeping === 'dirty')).toBe(true);
    const cleaned = await clean(room.id).expect(200);
    expect(cleaned.body).toMatchObject({ id: room.id, status: 'available', housekeeping: 'clean' });
    expect((await clean(room.id, 'inspected').expect(200)).body.housekeeping).toBe('inspected');
    const after = await h.http
      .get('/api/rooms')
      .query({ housekeeping: 'dirty', limit: 100 })
      .set(h.admin.auth);
    expect(after.body.items.map((r: RoomJson) => r.id)).not.toContain(room.id);
  });

  it('is the front desk’s: guests 403, anonymous 401, unknown room 404, bad state 400', async () => {
    const room = await h.room();
    const guest = await h.user();
    const body = { housekeeping: 'dirty' };
    expectProblem(await h.http.post(`/api/rooms/${room.id}/housekeeping`).set(guest.auth).send(body), 403);
    expectProblem(await h.http.post(`/api/rooms/${room.id}/housekeeping`).send(body), 401);
    expectProblem(await h.http.post(`/api/rooms/${missing}/housekeeping`).set(h.staff.auth).send(body), 404);
    for (const bad of [{ housekeeping: 'sparkling' }, {}, { housekeeping: 'clean', by: 'me' }]) {
      expectProblem(await h.http.post(`/api/rooms/${room.id}/housekeeping`).set(h.staff.auth).send(bad), 400);
    }
  });

  it('the status and housekeeping filters are operational: anonymous 401, guests 403', async () => {
    const guest = await h.user();
    for (const query of [{ status: 'occupied' }, { housekeeping: 'dirty' }]) {
      expectProblem(await h.http.get('/api/rooms').query(query), 401);
      expectProblem(await h.http.get('/api/rooms').query(query).set(guest.auth), 403);
    }
  });

  it('checking in to a room that is not clean or inspected is 409 unless staff override, which the audit trail records', async () => {
    const room = await h.room();
    const { id } = await confirmedStay(room);
    await clean(room.id, 'dirty').expect(200);
    const refused = expectProblem(
      await h.http.post(`/api/bookings/${id}/check-in`).set(h.staff.auth).send({}),
      409,
    );
    expect(refused).toMatchObject({ current_status: 'confirmed', housekeeping: 'dirty' });
    expect(await h.count('check_ins', 'booking_id = $1', [id])).toBe(0);
    // A guest may not check in at all, override or not.
    const guest = await h.user();
    expectProblem(
      await h.http.post(`/api/bookings/${id}/check-in`).set(guest.auth).send({ override: true }),
      403,
    );
    const checkedIn = await h.http
      .post(`/api/bookings/${id}/check-in`)
      .set(h.staff.auth)
      .send({ override: true })
      .expect(200);
    expect(checkedIn.body.status).toBe('checked_in');
    const events = await h.http.get(`/api/bookings/${id}/events`).set(h.staff.auth).expect(200);
    expect(events.body.items.at(-1)).toMatchObject({
      action: 'checked_in',
      override: true,
      actor_user_id: h.staff.id,
    });

    // An override into a clean room overrides nothing: not recorded as one.
    const other = await confirmedStay();
    await h.http
      .post(`/api/bookings/${other.id}/check-in`)
      .set(h.staff.auth)
      .send({ override: true })
      .expect(200);
    const trail = await h.http
      .get(`/api/bookings/${other.id}/events`)
      .set(h.staff.auth)
      .query({ sort: '-at' });
    expect(trail.body.items[0]).toMatchObject({ action: 'checked_in', override: false });
  });

  it('anonymous callers and guests get the public room view in lists and availability; staff the operational one', async () => {
    const room = await h.room({ type: `view-${Date.now()}` });
    const publicList = await h.http.get('/api/rooms').query({ type: room.type }).expect(200);
    expect(Object.keys(publicList.body.items[0]).sort()).toEqual(
      ['capacity', 'created_at', 'id', 'number', 'price_per_night', 'type', 'updated_at'].sort(),
    );
    const staffList = await h.http.get('/api/rooms').query({ type: room.type }).set(h.staff.auth).expect(200);
    expect(staffList.body.items[0]).toMatchObject({ status: 'available', housekeeping: 'clean' });
    const query = { check_in: day(50), check_out: day(51), type: room.type };
    const publicFree = await h.http
      .get('/api/availability')
      .query(query)
      .set((await h.user()).auth)
      .expect(200);
    expect(publicFree.body.items[0].room).not.toHaveProperty('status');
    expect(publicFree.body.items[0].room).not.toHaveProperty('housekeeping');
    const staffFree = await h.http.get('/api/availability').query(query).set(h.admin.auth).expect(200);
    expect(staffFree.body.items[0].room).toMatchObject({ status: 'available', housekeeping: 'clean' });
  });
});
