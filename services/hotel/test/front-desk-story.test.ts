/**
 * The front desk's day with a walk-in guest, over the API: a profile without an account,
 * a booking for it, a change, the life cycle with housekeeping (a dirty room needs the
 * override), and the audit trail that tells every step and who took it.
 */
import { expectProblem } from '../../../test/support/problem';
import { day, startHotelForTest, type HotelHarness } from '../../../test/support/hotel';

let h: HotelHarness;
beforeAll(async () => {
  h = await startHotelForTest();
});
afterAll(() => h.close());

test('a walk-in is booked, changed, confirmed, checked in over a dirty room and out; the room goes dirty → clean; the trail shows every step with its actor', async () => {
  const { staff, admin } = h;
  const room = await h.room({ capacity: 2, price_per_night: '90.00' });

  // 1. A walk-in without an account.
  const walkIn = await h.http
    .post('/api/guests')
    .set(staff.auth)
    .send({ name: 'Budi Santoso', phone: '+62 813 555 0202', notes: 'prefers a quiet room' })
    .expect(201);
  expect(walkIn.body.user_id).toBeNull();

  // 2. Booked by the front desk, for tonight and tomorrow night.
  const booked = await h
    .book(staff, {
      room_id: room.id,
      check_in: day(0),
      check_out: day(2),
      guests: 1,
      guest_id: walkIn.body.id,
    })
    .expect(201);
  const id = booked.body.id as string;
  expect(booked.body).toMatchObject({
    reference: expect.stringMatching(/^MH-[2-9A-HJKMNP-TV-Z]{6}$/),
    guest: { id: walkIn.body.id, name: 'Budi Santoso', email: null },
    user_id: null,
    status: 'pending',
    total_price: '180.00',
  });
  const found = await h.http
    .get('/api/bookings')
    .query({ q: booked.body.reference.slice(3).toLowerCase() })
    .set(staff.auth);
  expect(found.body.items.map((b: { id: string }) => b.id)).toEqual([id]);

  // 3. He stays a night longer and brings his wife (an admin makes the change).
  const changed = await h.http
    .patch(`/api/bookings/${id}`)
    .set(admin.auth)
    .set('If-Match', booked.headers.etag as string)
    .send({ check_out: day(3), guests: 2 })
    .expect(200);
  expect(changed.body).toMatchObject({ nights: 3, guests: 2, total_price: '270.00' });

  // 4. Confirmed.
  const confirmed = await h.http
    .post(`/api/bookings/${id}/confirm`)
    .set(staff.auth)
    .set('If-Match', changed.headers.etag as string)
    .expect(200);

  // 5. The room is not clean yet: check-in is refused, then done with the override.
  await h.http
    .post(`/api/rooms/${room.id}/housekeeping`)
    .set(staff.auth)
    .send({ housekeeping: 'dirty' })
    .expect(200);
  const refused = expectProblem(
    await h.http
      .post(`/api/bookings/${id}/check-in`)
      .set(staff.auth)
      .set('If-Match', confirmed.headers.etag as string),
    409,
  );
  expect(refused).toMatchObject({ current_status: 'confirmed', housekeeping: 'dirty' });
  const checkedIn = await h.http
    .post(`/api/bookings/${id}/check-in`)
    .set(staff.auth)
    .set('If-Match', confirmed.headers.etag as string)
    .send({ override: true })
    .expect(200);
  expect(checkedIn.body.status).toBe('checked_in');
  const roomNow = () => h.http.get(`/api/rooms/${room.id}`).set(staff.auth).expect(200);
  expect((await roomNow()).body).toMatchObject({ status: 'occupied', housekeeping: 'dirty' });

  // 6. Checked out by an admin: the room is free and dirty.
  await h.http
    .post(`/api/bookings/${id}/check-out`)
    .set(admin.auth)
    .set('If-Match', checkedIn.headers.etag as string)
    .expect(200);
  expect((await roomNow()).body).toMatchObject({ status: 'available', housekeeping: 'dirty' });
  const toClean = await h.http.get('/api/rooms').query({ housekeeping: 'dirty', limit: 100 }).set(staff.auth);
  expect(toClean.body.items.map((r: { id: string }) => r.id)).toContain(room.id);

  // 7. Housekeeping cleans it.
  await h.http
    .post(`/api/rooms/${room.id}/housekeeping`)
    .set(staff.auth)
    .send({ housekeeping: 'clean' })
    .expect(200);
  expect((await roomNow()).body.housekeeping).toBe('clean');

  // The audit trail: every step, with its actor, statuses and changes.
  const trail = await h.http.get(`/api/bookings/${id}/events`).set(staff.auth).expect(200);
  expect(
    trail.body.items.map((e: Record<string, unknown>) => [
      e.action,
      e.actor_user_id,
      e.from_status,
      e.to_status,
      e.override,
    ]),
  ).toEqual([
    ['created', staff.id, null, 'pending', false],
    ['changed', admin.id, 'pending', 'pending', false],
    ['confirmed', staff.id, 'pending', 'confirmed', false],
    ['checked_in', staff.id, 'confirmed', 'checked_in', true],
    ['checked_out', admin.id, 'checked_in', 'checked_out', false],
  ]);
  expect(trail.body.items[1].changes).toEqual({
    check_out: { from: day(2), to: day(3) },
    guests: { from: 1, to: 2 },
    total_price: { from: '180.00', to: '270.00' },
  });
  // A walk-in has no account: nobody to notify.
  expect(await h.count('notifications', 'booking_id = $1', [id])).toBe(0);
  // The refused check-in left nothing behind.
  expect(await h.count('check_ins', 'booking_id = $1', [id])).toBe(1);
});
