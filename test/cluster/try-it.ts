/**
 * The README's "Try it" flow, through the ingress: a guest registers, logs in, reads /me,
 * searches free rooms and books one (with an Idempotency-Key, replayed once), reads the
 * notification; front-desk staff confirm, check in and check out. Rooms are created by the
 * admin the chart bootstrapped (its password from the chart's Secret).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Api, type Booking, dayFromToday, type Room } from './api';

export interface Actors {
  admin: string;
  staff: string;
  rooms: Room[];
}

export const ADMIN_EMAIL = 'admin@myhotel.example';

/** Rooms for the whole test, and a staff member (a registered user the admin promotes). */
export async function setUpHotel(api: Api, adminPassword: string, roomCount: number): Promise<Actors> {
  const admin = await api.login(ADMIN_EMAIL, adminPassword);
  const rooms: Room[] = [];
  for (let i = 1; i <= roomCount; i++) {
    const res = await api.post<Room>('/api/rooms', {
      token: admin,
      body: {
        number: `C${100 + i}`,
        type: i % 2 ? 'double' : 'suite',
        capacity: 2,
        price_per_night: '120.00',
      },
      expect: 201,
    });
    rooms.push(res.body);
  }
  const staffUser = await api.registerGuest('Front Desk', 'desk@myhotel.example', 'a-desk-password');
  await api.patch(`/api/users/${staffUser.id}`, { token: admin, body: { role: 'staff' }, expect: 200 });
  const staff = await api.login('desk@myhotel.example', 'a-desk-password');
  return { admin, staff, rooms };
}

/** Resolves with the booking it made and checked out. */
export async function tryIt(api: Api, actors: Actors): Promise<Booking> {
  const ana = await api.registerGuest('Ana', 'ana@example.com', 'a-good-password');
  const me = await api.get<{ email: string; role: string }>('/api/auth/me', {
    token: ana.token,
    expect: 200,
  });
  assert.equal(me.body.email, 'ana@example.com');
  assert.equal(me.body.role, 'guest');

  const [checkIn, checkOut] = [dayFromToday(0), dayFromToday(2)];
  const free = await api.get<{ items: Array<{ room: Room }> }>(
    `/api/availability?check_in=${checkIn}&check_out=${checkOut}&guests=2`,
    {
      expect: 200,
    },
  );
  assert.ok(free.body.items.length > 0, 'availability lists free rooms');
  const room = free.body.items[0]!.room;

  const key = randomUUID();
  const request = { room_id: room.id, check_in: checkIn, check_out: checkOut, guests: 2 };
  const booked = await api.post<Booking>('/api/bookings', {
    token: ana.token,
    headers: { 'Idempotency-Key': key },
    body: request,
    expect: 201,
  });
  const replayed = await api.post<Booking>('/api/bookings', {
    token: ana.token,
    headers: { 'Idempotency-Key': key },
    body: request,
    expect: 201,
  });
  assert.equal(replayed.body.id, booked.body.id, 'the same Idempotency-Key returns the first booking');

  const notes = await api.get<{ items: unknown[] }>('/api/notifications', { token: ana.token, expect: 200 });
  assert.ok(notes.body.items.length >= 1, 'the booking notified the guest');

  const id = booked.body.id;
  for (const [action, status] of [
    ['confirm', 'confirmed'],
    ['check-in', 'checked_in'],
    ['check-out', 'checked_out'],
  ] as const) {
    const res = await api.post<Booking>(`/api/bookings/${id}/${action}`, {
      token: actors.staff,
      expect: 200,
    });
    assert.equal(res.body.status, status);
  }
  const final = await api.get<Booking>(`/api/bookings/${id}`, { token: ana.token, expect: 200 });
  assert.equal(final.body.status, 'checked_out');
  return final.body;
}

/** Guests for the load phases (fresh tokens: access tokens live 15 minutes). */
export async function loadGuests(api: Api, count: number, round: string): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    tokens.push(
      (await api.registerGuest(`Load ${round} ${i}`, `load-${round}-${i}@example.com`, 'a-load-password'))
        .token,
    );
  }
  return tokens;
}

/** Ids of acknowledged bookings that the API no longer has (empty: none was lost). */
export async function missingBookings(api: Api, token: string, ids: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const id of ids) {
    const res = await api.get(`/api/bookings/${id}`, { token });
    if (res.status !== 200) missing.push(`${id} (${res.status})`);
  }
  return missing;
}
