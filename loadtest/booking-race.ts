/**
 * Booking race: RACE_VUS guests (default 50, 2–200) book the same room for the same nights at
 * the same instant. Exactly one 201; every other answer a 409; no 5xx. setup() creates a room
 * of the race's own (never a real one); teardown() cancels the winning booking, deletes the
 * room and the guests, so the next race starts clean.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import {
  adminLogin,
  cancelPendingBookings,
  createRoom,
  del,
  deleteGuests,
  isoDate,
  login,
  post,
  randomInt,
  registerGuests,
  roomNumber,
  runTag,
  teardownErrors,
  tryLogin,
  type Guest,
} from './lib/common.ts';

/** RACE_VUS as a whole number from 2 to 200 (200 racers register and log in within setup's 3 minutes). */
function raceVus(value: string | undefined): number {
  const text = value === undefined || value === '' ? '50' : value;
  const racers = Number(text);
  if (!/^\d+$/.test(text) || racers < 2 || racers > 200) {
    throw new Error(`RACE_VUS must be a whole number from 2 to 200, not "${value}"`);
  }
  return racers;
}

const racers = raceVus(__ENV.RACE_VUS);
const created = new Counter('bookings_created');
const conflicts = new Counter('bookings_conflicted');
const unexpected = new Counter('bookings_unexpected');

export const options: Options = {
  scenarios: {
    race: { executor: 'per-vu-iterations', vus: racers, iterations: 1, maxDuration: '1m' },
  },
  thresholds: {
    bookings_created: ['count==1'],
    bookings_conflicted: [`count==${racers - 1}`],
    bookings_unexpected: ['count==0'],
    server_errors: ['count==0'],
    checks: ['rate==1'],
    teardown_errors: ['count==0'],
  },
  setupTimeout: '3m', // 200 racers register and log in
  teardownTimeout: '3m',
};

interface RaceData {
  roomId: string;
  guests: Guest[];
  tokens: string[];
  checkIn: string;
  checkOut: string;
}

export function setup(): RaceData {
  const tag = runTag();
  const admin = adminLogin('setup_auth_login');
  const roomId = createRoom(admin, roomNumber(tag, 0));
  const guests = registerGuests(racers, tag);
  // Log everyone in first, so the race itself is only the booking requests.
  const tokens = guests.map((g) => login(g.email, g.password, 'setup_auth_login').accessToken);
  const start = randomInt(400, 700);
  return { roomId, guests, tokens, checkIn: isoDate(start), checkOut: isoDate(start + 3) };
}

export default function race(data: RaceData): void {
  const res = post(
    '/api/bookings',
    { room_id: data.roomId, check_in: data.checkIn, check_out: data.checkOut, guests: 1 },
    'bookings_race',
    data.tokens[exec.vu.idInTest - 1],
  );
  if (res.status === 201) created.add(1);
  else if (res.status === 409) conflicts.add(1);
  else unexpected.add(1);
  check(res, { '201 or 409': (r) => r.status === 201 || r.status === 409 });
}

/** Cancels the winner, deletes the race's room and guests; failures count in teardown_errors. */
export function teardown(data: RaceData): void {
  const admin = tryLogin(__ENV.ADMIN_EMAIL ?? '', __ENV.ADMIN_PASSWORD ?? '', 'teardown_auth_login');
  if (!admin) {
    teardownErrors.add(1); // the login's failed check names it; room, booking and guests stay
    return;
  }
  cancelPendingBookings(admin, `room_id=${data.roomId}`);
  const room = del(`/api/rooms/${data.roomId}`, 'teardown_rooms_delete', admin.accessToken);
  if (!check(room, { 'race room deleted': (r) => r.status === 204 })) teardownErrors.add(1);
  deleteGuests(admin, data.guests);
}
