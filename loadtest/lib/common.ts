/**
 * Shared k6 helpers: configuration from environment variables, login with token reuse,
 * data set-up, and the hotel traffic mix. k6 ≥ 0.57 runs these .ts files directly.
 *
 *   BASE_URL        http://localhost:8080 (default): the local gateway or the ingress, which route
 *                   every path; or, in the cluster, the hotel Service (http://<release>-hotel)
 *   AUTH_URL        optional, default BASE_URL: where the auth paths go (/api/auth/*, /api/users*,
 *                   /.well-known/*), e.g. the auth Service http://<release>-auth in the cluster
 *   ADMIN_EMAIL / ADMIN_PASSWORD   an admin (creates rooms in setup())
 *   STAFF_EMAIL / STAFF_PASSWORD   optional; staff traffic is skipped without it
 *   GUEST_PASSWORD  password for the load-test guests registered in setup() (default generated)
 */
import { check, fail } from 'k6';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter } from 'k6/metrics';

export const baseUrl = (__ENV.BASE_URL || 'http://localhost:8080').replace(/\/$/, '');
export const authUrl = (__ENV.AUTH_URL || baseUrl).replace(/\/$/, '');
const authPaths = /^\/(api\/auth(\/|\?|$)|api\/users(\/|\?|$)|\.well-known\/)/;

/** Absolute URL of an API path: auth paths go to AUTH_URL, everything else to BASE_URL. */
export function urlFor(path: string): string {
  return `${authPaths.test(path) ? authUrl : baseUrl}${path}`;
}
const json = { 'Content-Type': 'application/json' };

export const serverErrors = new Counter('server_errors');

export interface Session {
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms after which the access token should be refreshed. */
  refreshAfter: number;
}

export interface SetupData {
  roomIds: string[];
  guests: Array<{ email: string; password: string }>;
  staff?: { email: string; password: string };
}

function recordServerErrors(res: RefinedResponse<ResponseType | undefined>): void {
  if (res.status >= 500 || res.status === 0) serverErrors.add(1);
}

export function post(
  path: string,
  body: unknown,
  name: string,
  token?: string,
  headers: Record<string, string> = {},
) {
  const res = http.post(urlFor(path), body === undefined ? null : JSON.stringify(body), {
    headers: { ...json, ...headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    tags: { name },
    responseCallback: http.expectedStatuses({ min: 200, max: 499 }),
  });
  recordServerErrors(res);
  return res;
}

export function get(path: string, name: string, token?: string) {
  const res = http.get(urlFor(path), {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    tags: { name },
  });
  recordServerErrors(res);
  return res;
}

export function login(email: string, password: string): Session {
  const res = post('/api/auth/login', { email, password }, 'auth_login');
  if (!check(res, { 'login 200': (r) => r.status === 200 }))
    fail(`login failed for ${email}: ${res.status} ${res.body}`);
  const body = res.json() as { access_token: string; refresh_token: string; expires_in: number };
  return {
    email,
    password,
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    refreshAfter: Date.now() + (body.expires_in - 60) * 1000,
  };
}

/** Reuses the VU's token; refreshes it (rotating the refresh token) when it is about to expire. */
export function ensureFresh(session: Session): Session {
  if (Date.now() < session.refreshAfter) return session;
  return refresh(session);
}

export function refresh(session: Session): Session {
  const res = post('/api/auth/refresh', { refresh_token: session.refreshToken }, 'auth_refresh');
  if (res.status !== 200) return login(session.email, session.password);
  check(res, { 'refresh 200': (r) => r.status === 200 });
  const body = res.json() as { access_token: string; refresh_token: string; expires_in: number };
  return {
    ...session,
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    refreshAfter: Date.now() + (body.expires_in - 60) * 1000,
  };
}

export function isoDate(daysFromToday: number): string {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + daysFromToday);
  return d.toISOString().slice(0, 10);
}

export function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

function requireEnv(name: string): string {
  const value = __ENV[name];
  if (!value) fail(`environment variable ${name} is required`);
  return value as string;
}

/** Registers guests, makes sure rooms exist (creating `roomCount` load-test rooms if needed). */
export function setupData(guestCount: number, roomCount = 20): SetupData {
  const admin = login(requireEnv('ADMIN_EMAIL'), requireEnv('ADMIN_PASSWORD'));
  const existing = get('/api/rooms?limit=100', 'rooms_list');
  let roomIds = ((existing.json('items') as Array<{ id: string; status: string }> | undefined) ?? [])
    .filter((room) => room.status !== 'maintenance')
    .map((room) => room.id);
  const runId = `${Date.now().toString(36)}${randomInt(0, 1295).toString(36)}`;
  for (let i = roomIds.length; i < roomCount; i++) {
    const res = post(
      '/api/rooms',
      { number: `K${runId}-${i}`, type: 'double', capacity: 2, price_per_night: '100.00' },
      'rooms_create',
      admin.accessToken,
    );
    check(res, { 'room created': (r) => r.status === 201 });
    roomIds.push(res.json('id') as string);
  }
  roomIds = roomIds.slice(0, Math.max(roomCount, roomIds.length));
  const password = __ENV.GUEST_PASSWORD || `k6-${runId}-password`;
  const guests = [];
  for (let i = 0; i < guestCount; i++) {
    const email = `k6-${runId}-${i}@loadtest.example`;
    const res = post('/api/auth/register', { name: `k6 guest ${i}`, email, password }, 'auth_register');
    check(res, { 'guest registered': (r) => r.status === 201 });
    guests.push({ email, password });
  }
  const staff =
    __ENV.STAFF_EMAIL && __ENV.STAFF_PASSWORD
      ? { email: __ENV.STAFF_EMAIL, password: __ENV.STAFF_PASSWORD }
      : undefined;
  return { roomIds, guests, staff };
}

/** Removes what setup() created that would block later runs: the test guests' open bookings. */
export function teardownData(data: SetupData): void {
  for (const guest of data.guests.slice(0, 50)) {
    const session = login(guest.email, guest.password);
    const res = get('/api/bookings?status=pending&limit=100', 'bookings_list', session.accessToken);
    for (const booking of (res.json('items') as Array<{ id: string }> | undefined) ?? []) {
      post(`/api/bookings/${booking.id}/cancel`, undefined, 'bookings_cancel', session.accessToken);
    }
  }
}

/**
 * Traffic mix modelled on a hotel site (per iteration, by probability):
 *   60 % availability search · 20 % room reads (list + detail) · 8 % own bookings list ·
 *    7 % login + token refresh · 5 % book a room and cancel it.
 */
export function hotelTraffic(data: SetupData, session: Session): Session {
  const roll = Math.random() * 100;
  const start = randomInt(1, 120);
  if (roll < 60) {
    const res = get(
      `/api/availability?check_in=${isoDate(start)}&check_out=${isoDate(start + randomInt(1, 7))}&guests=${randomInt(1, 2)}`,
      'availability',
    );
    check(res, { 'availability 200': (r) => r.status === 200 });
  } else if (roll < 80) {
    const list = get('/api/rooms?limit=20', 'rooms_list');
    check(list, { 'rooms 200': (r) => r.status === 200 });
    const room = get(`/api/rooms/${data.roomIds[randomInt(0, data.roomIds.length - 1)]}`, 'rooms_get');
    check(room, { 'room 200': (r) => r.status === 200 });
  } else if (roll < 88) {
    session = ensureFresh(session);
    const res = get('/api/bookings?limit=20', 'bookings_list', session.accessToken);
    check(res, { 'bookings 200': (r) => r.status === 200 });
  } else if (roll < 95) {
    session = refresh(login(session.email, session.password));
  } else {
    session = ensureFresh(session);
    const roomId = data.roomIds[randomInt(0, data.roomIds.length - 1)];
    const checkIn = randomInt(30, 700);
    const res = post(
      '/api/bookings',
      {
        room_id: roomId,
        check_in: isoDate(checkIn),
        check_out: isoDate(checkIn + randomInt(1, 4)),
        guests: 1,
      },
      'bookings_create',
      session.accessToken,
    );
    // 409 is a legitimate answer when another VU holds the room for those nights.
    check(res, { 'booking 201 or 409': (r) => r.status === 201 || r.status === 409 });
    if (res.status === 201) {
      const cancel = post(
        `/api/bookings/${res.json('id') as string}/cancel`,
        undefined,
        'bookings_cancel',
        session.accessToken,
      );
      check(cancel, { 'cancel 200': (r) => r.status === 200 });
    }
  }
  return session;
}

/** Thresholds shared by load/stress/spike/soak; latency budgets per endpoint group (tag `name`). */
export function standardThresholds(scale = 1): Record<string, string[]> {
  const ms = (n: number) => Math.round(n * scale);
  return {
    checks: ['rate>0.99'],
    http_req_failed: ['rate<0.01'],
    server_errors: ['count<1'],
    'http_req_duration{name:availability}': [`p(95)<${ms(150)}`, `p(99)<${ms(300)}`],
    'http_req_duration{name:rooms_list}': [`p(95)<${ms(100)}`, `p(99)<${ms(250)}`],
    'http_req_duration{name:rooms_get}': [`p(95)<${ms(50)}`, `p(99)<${ms(150)}`],
    'http_req_duration{name:bookings_list}': [`p(95)<${ms(100)}`, `p(99)<${ms(250)}`],
    'http_req_duration{name:bookings_create}': [`p(95)<${ms(100)}`, `p(99)<${ms(250)}`],
    'http_req_duration{name:auth_login}': [`p(95)<${ms(400)}`, `p(99)<${ms(800)}`],
    'http_req_duration{name:auth_refresh}': [`p(95)<${ms(100)}`, `p(99)<${ms(250)}`],
  };
}

/** Per-VU session, created lazily (VU code runs in its own JS runtime). */
let vuSession: Session | undefined;
export function vuTraffic(data: SetupData): void {
  const guest = data.guests[(__VU - 1) % data.guests.length];
  vuSession = hotelTraffic(data, vuSession ?? login(guest.email, guest.password));
}
