/**
 * The rows measured on the full stack and on the bare server alike: what each request asks
 * for, and as whom. Every row is a closed loop of `connections` clients.
 */
import type { RequestSpec } from './autocannon-run';
import type { BenchStack } from './stack';

export interface Row {
  name: string;
  /** The service that answers it on the full stack. */
  service: 'hotel' | 'auth';
  spec: RequestSpec;
}

export const isoDay = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A stay of 1–5 nights starting in the next six months, for one or two guests. */
export const availabilityPath = (limit?: number) => () => {
  const start = Math.floor(Math.random() * 180);
  const nights = 1 + Math.floor(Math.random() * 5);
  return `/api/availability?check_in=${isoDay(start)}&check_out=${isoDay(start + nights)}&guests=${1 + Math.floor(Math.random() * 2)}${limit ? `&limit=${limit}` : ''}`;
};

/** Confirmed bookings of a two-week window between two months ago and three months ahead. */
export const bookingListPath = () => {
  const start = Math.floor(Math.random() * 150) - 60;
  return `/api/bookings?status=confirmed&from=${isoDay(start)}&to=${isoDay(start + 14)}&limit=20`;
};

/** The front desk looks a guest up by the start of a name (2–4 letters: many match) or email. */
const guestPrefixes = [
  'ana',
  'bu',
  'sit',
  'mar',
  'john',
  'wei',
  'ais',
  'car',
  'santo',
  'ra',
  'gon',
  'zha',
  'tana',
  'siti.r',
  'lu',
];

/**
 * Changes of future bookings by staff, round robin over 3 000 of them: each request moves a
 * booking to the other of 1 and 2 guests (never a change that changes nothing). Each is a
 * transaction: the row locked, the room read, the update (exclusion constraint and price),
 * the audit event and the notification.
 */
function bookingChanges(stack: BenchStack): Pick<RequestSpec, 'path' | 'body'> {
  let sequence = 0;
  let current: { id: string; guests: number } = stack.changeable[0]!;
  return {
    path: () => {
      current = stack.changeable[sequence++ % stack.changeable.length]!;
      return `/api/bookings/${current.id}`;
    },
    body: () => {
      current.guests = current.guests === 1 ? 2 : 1;
      return JSON.stringify({ guests: current.guests });
    },
  };
}

export function readRows(stack: BenchStack): Row[] {
  const staff = bearer(stack.tokens.staff);
  return [
    { name: 'GET /api/availability', service: 'hotel', spec: { path: availabilityPath() } },
    {
      name: 'GET /api/rooms/{id}',
      service: 'hotel',
      spec: { path: () => `/api/rooms/${pick(stack.roomIds)}` },
    },
    { name: 'GET /api/rooms?limit=100', service: 'hotel', spec: { path: () => '/api/rooms?limit=100' } },
    {
      name: 'GET /api/notifications (guest)',
      service: 'hotel',
      spec: { path: () => '/api/notifications', headers: bearer(stack.tokens.guest) },
    },
    {
      name: 'GET /api/bookings (staff, filtered)',
      service: 'hotel',
      spec: { path: bookingListPath, headers: staff },
    },
    {
      name: 'GET /api/guests?q= (staff)',
      service: 'hotel',
      spec: {
        path: () => `/api/guests?q=${encodeURIComponent(pick(guestPrefixes))}&limit=20`,
        headers: staff,
      },
    },
    {
      name: 'PATCH /api/bookings/{id} (staff)',
      service: 'hotel',
      spec: { method: 'PATCH', ...bookingChanges(stack), headers: staff },
    },
  ];
}
