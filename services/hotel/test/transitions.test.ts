import { expectProblem } from '../../../test/support/problem';
import { day, startHotelForTest, type HotelHarness, type TestUser } from '../../../test/support/hotel';

let h: HotelHarness;
beforeAll(async () => {
  h = await startHotelForTest();
});
afterAll(() => h.close());

type Status = 'pending' | 'confirmed' | 'checked_in' | 'checked_out' | 'cancelled' | 'no_show';
const paths = {
  confirm: 'confirm',
  cancel: 'cancel',
  check_in: 'check-in',
  check_out: 'check-out',
  no_show: 'no-show',
} as const;
type Action = keyof typeof paths;

const act = (who: TestUser, id: string, action: Action) =>
  h.http.post(`/api/bookings/${id}/${paths[action]}`).set(who.auth);

/** A booking for a new guest whose stay started yesterday (so every action is allowed by date), driven to `status`. */
async function bookingIn(status: Status, offsets: [number, number] = [-1, 2]) {
  const room = await h.room();
  const guest = await h.user();
  await h.guestProfile(guest);
  const res = await h.book(h.staff, {
    room_id: room.id,
    check_in: day(offsets[0]),
    check_out: day(offsets[1]),
    user_id: guest.id,
  });
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  const steps: Record<Status, Action[]> = {
    pending: [],
    confirmed: ['confirm'],
    checked_in: ['confirm', 'check_in'],
    checked_out: ['confirm', 'check_in', 'check_out'],
    cancelled: ['cancel'],
    no_show: ['confirm', 'no_show'],
  };
  for (const step of steps[status]) await act(h.staff, id, step).expect(200);
  return { id, room, guest };
}

const legal: Record<Status, Partial<Record<Action, Status>>> = {
  pending: { confirm: 'confirmed', cancel: 'cancelled' },
  confirmed: { cancel: 'cancelled', check_in: 'checked_in', no_show: 'no_show' },
  checked_in: { check_out: 'checked_out' },
  checked_out: {},
  cancelled: {},
  no_show: {},
};

describe('the life cycle matrix (staff acting)', () => {
  const cases = (Object.keys(legal) as Status[]).flatMap((from) =>
    (Object.keys(paths) as Action[]).map((action) => [from, action] as const),
  );
  it.each(cases)('from %s, %s', async (from, action) => {
    const { id } = await bookingIn(from);
    const res = await act(h.staff, id, action);
    const to = legal[from][action];
    if (to) {
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(to);
    } else {
      const problem = expectProblem(res, 409);
      expect(problem.current_status).toBe(from);
      const now = await h.http.get(`/api/bookings/${id}`).set(h.staff.auth).expect(200);
      expect(now.body.status).toBe(from);
    }
  });
});

describe('who may act', () => {
  it('guests get 403 for front-desk actions, even on their own booking; anonymous 401', async () => {
    const { id, guest } = await bookingIn('confirmed');
    for (const action of ['confirm', 'check_in', 'check_out', 'no_show'] as const) {
      expectProblem(await act(guest, id, action), 403);
      expectProblem(await h.http.post(`/api/bookings/${id}/${paths[action]}`), 401);
    }
    expectProblem(await h.http.post(`/api/bookings/${id}/cancel`), 401);
  });

  it('a guest cancels their own booking; another guest gets 404 and changes nothing', async () => {
    const room = await h.room();
    const a = await h.user();
    const b = await h.user();
    const booking = await h.book(a, { room_id: room.id, check_in: day(3), check_out: day(5) }).expect(201);
    expectProblem(await act(b, booking.body.id, 'cancel'), 404);
    expect((await h.http.get(`/api/bookings/${booking.body.id}`).set(a.auth)).body.status).toBe('pending');
    const cancelled = await act(a, booking.body.id, 'cancel').expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(Date.parse(cancelled.body.cancelled_at)).not.toBeNaN();
  });

  it('guests may cancel up to the check-in day; later only staff', async () => {
    const onTheDay = await bookingIn('confirmed', [0, 2]);
    await act(onTheDay.guest, onTheDay.id, 'cancel').expect(200);
    const late = await bookingIn('confirmed', [-1, 2]);
    const problem = expectProblem(await act(late.guest, late.id, 'cancel'), 409);
    expect(problem.current_status).toBe('confirmed');
    await act(h.admin, late.id, 'cancel').expect(200);
  });

  it('answers 404 for unknown bookings and 400 for non-uuid ids', async () => {
    expectProblem(await act(h.staff, '00000000-0000-4000-8000-000000000000', 'confirm'), 404);
    expectProblem(await h.http.post('/api/bookings/abc/confirm').set(h.staff.auth), 400);
  });
});

describe('calendar rules', () => {
  it('check-in opens on the check-in date and closes at check-out', async () => {
    const early = await bookingIn('confirmed', [1, 3]);
    const tooEarly = expectProblem(await act(h.staff, early.id, 'check_in'), 409);
    expect(tooEarly.current_status).toBe('confirmed');
    const today = await bookingIn('confirmed', [0, 1]);
    await act(h.staff, today.id, 'check_in').expect(200);
    const over = await bookingIn('confirmed', [-3, 0]);
    expectProblem(await act(h.staff, over.id, 'check_in'), 409);
  });

  it('no-show only after the check-in date', async () => {
    const today = await bookingIn('confirmed', [0, 2]);
    expectProblem(await act(h.staff, today.id, 'no_show'), 409);
    const yesterday = await bookingIn('confirmed', [-1, 2]);
    expect((await act(h.staff, yesterday.id, 'no_show').expect(200)).body.status).toBe('no_show');
  });
});

describe('check-in and check-out', () => {
  it('record who and when, and move the room occupied → available', async () => {
    const { id, room } = await bookingIn('confirmed');
    const checkedIn = await act(h.staff, id, 'check_in').expect(200);
    expect(checkedIn.body.check_in_record).toEqual({
      performed_by: h.staff.id,
      performed_at: expect.any(String),
    });
    expect(checkedIn.body.check_out_record).toBeNull();
    expect((await h.http.get(`/api/rooms/${room.id}`).set(h.staff.auth)).body.status).toBe('occupied');
    expect(await h.count('check_ins', 'booking_id = $1', [id])).toBe(1);

    const checkedOut = await act(h.admin, id, 'check_out').expect(200);
    expect(checkedOut.body.check_out_record).toEqual({
      performed_by: h.admin.id,
      performed_at: expect.any(String),
    });
    expect(checkedOut.body.check_in_record.performed_by).toBe(h.staff.id);
    expect((await h.http.get(`/api/rooms/${room.id}`).set(h.staff.auth)).body).toMatchObject({
      status: 'available',
      housekeeping: 'dirty',
    });
    expect(await h.count('check_outs', 'booking_id = $1', [id])).toBe(1);
  });

  it('refuses to check in to a room that is still occupied or in maintenance', async () => {
    // The previous guest (checked in two days ago, due out today) has not checked out yet.
    const first = await bookingIn('confirmed', [-2, 0]);
    await h.dataSource.query(`UPDATE hotel.bookings SET status = 'checked_in' WHERE id = $1`, [first.id]);
    await h.dataSource.query(`UPDATE hotel.rooms SET status = 'occupied' WHERE id = $1`, [first.room.id]);
    const next = await h.book(h.staff, {
      room_id: first.room.id,
      check_in: day(0),
      check_out: day(2),
      guest_id: (await h.walkIn()).id,
    });
    expect(next.status).toBe(201);
    await act(h.staff, next.body.id, 'confirm').expect(200);
    const problem = expectProblem(await act(h.staff, next.body.id, 'check_in'), 409);
    expect(problem.current_status).toBe('confirmed');
    await act(h.staff, first.id, 'check_out').expect(200);
    await h.http
      .post(`/api/rooms/${first.room.id}/housekeeping`)
      .set(h.staff.auth)
      .send({ housekeeping: 'clean' })
      .expect(200);
    await act(h.staff, next.body.id, 'check_in').expect(200);

    const other = await bookingIn('confirmed');
    await h.http
      .patch(`/api/rooms/${other.room.id}`)
      .set(h.staff.auth)
      .send({ status: 'maintenance' })
      .expect(200);
    expectProblem(await act(h.staff, other.id, 'check_in'), 409);
  });

  it('an occupied room stays bookable for later dates', async () => {
    const { room } = await bookingIn('checked_in', [-1, 2]);
    await h.book(await h.user(), { room_id: room.id, check_in: day(2), check_out: day(4) }).expect(201);
    expectProblem(
      await h.book(await h.user(), { room_id: room.id, check_in: day(1), check_out: day(3) }),
      409,
    );
  });
});

describe('concurrent transitions serialise (SELECT … FOR UPDATE)', () => {
  it('of 12 concurrent confirm/cancel calls on one booking exactly one of each kind can win', async () => {
    const { id } = await bookingIn('pending');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        act(h.staff, id, i % 2 ? 'confirm' : 'cancel').then((r) => r.status),
      ),
    );
    expect(results.every((s) => s === 200 || s === 409)).toBe(true);
    const final = (await h.http.get(`/api/bookings/${id}`).set(h.staff.auth)).body.status as Status;
    const wins = results.filter((s) => s === 200).length;
    // pending → confirmed → cancelled (2 wins) or pending → cancelled (1 win).
    expect(final).toBe('cancelled');
    expect([1, 2]).toContain(wins);
    expect(await h.count('notifications', 'booking_id = $1', [id])).toBe(1 + wins);
  });

  it('of 10 concurrent check-ins exactly one succeeds and one check_ins row exists', async () => {
    const { id } = await bookingIn('confirmed');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => act(h.staff, id, 'check_in').then((r) => r.status)),
    );
    expect(results.filter((s) => s === 200)).toHaveLength(1);
    expect(results.filter((s) => s === 409)).toHaveLength(9);
    expect(await h.count('check_ins', 'booking_id = $1', [id])).toBe(1);
  });
});
