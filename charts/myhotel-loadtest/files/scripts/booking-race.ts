/**
 * Booking race: RACE_VUS guests (default 50) book the same room for the same nights at the
 * same instant. Exactly one 201; every other answer a 409; no 5xx.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { isoDate, login, post, randomInt, setupData, type SetupData } from './lib/common.ts';

const racers = Number(__ENV.RACE_VUS || 50);
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
  },
};

interface RaceData extends SetupData {
  tokens: string[];
  checkIn: string;
  checkOut: string;
}

export function setup(): RaceData {
  const data = setupData(racers, 1);
  // Log everyone in first, so the race itself is only the booking requests.
  const tokens = data.guests.map((g) => login(g.email, g.password).accessToken);
  const start = randomInt(400, 700);
  return { ...data, tokens, checkIn: isoDate(start), checkOut: isoDate(start + 3) };
}

export default function race(data: RaceData): void {
  const vu = exec.vu.idInTest - 1;
  const res = post(
    '/api/bookings',
    { room_id: data.roomIds[0], check_in: data.checkIn, check_out: data.checkOut, guests: 1 },
    'bookings_race',
    data.tokens[vu],
  );
  if (res.status === 201) created.add(1);
  else if (res.status === 409) conflicts.add(1);
  else unexpected.add(1);
  check(res, { '201 or 409': (r) => r.status === 201 || r.status === 409 });
}
