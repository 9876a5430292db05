/**
 * Shared k6 helpers: configuration from environment variables, sessions, data set-up and
 * clean-up, the hotel traffic mix and the thresholds. k6 ≥ 0.57 runs these .ts files directly;
 * `npm test` runs them through loadtest/shim (see the README).
 *
 *   BASE_URL        http://localhost:8080 (default): the local gateway or the ingress, which route
 *                   every path; or, in the cluster, the hotel Service (http://<release>-hotel)
 *   AUTH_URL        optional, default BASE_URL: where the auth paths go (/api/auth/*, /api/users*,
 *                   /.well-known/*), e.g. the auth Service http://<release>-auth in the cluster
 *   ADMIN_EMAIL / ADMIN_PASSWORD   an admin (creates rooms in setup(), cleans up in teardown())
 *   GUEST_PASSWORD  password for the load-test guests registered in setup() (default generated)
 *
 * Requests are tagged by endpoint group (`name`). setup() and teardown() tag theirs `setup_*`
 * and `teardown_*`, so that only the traffic mix counts towards the measured groups.
 */
import { check, fail, sleep } from 'k6';
import exec from 'k6/execution';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter } from 'k6/metrics';

export const baseUrl = (__ENV.BASE_URL || 'http://localhost:8080').replace(/\/$/, '');
export const authUrl = (__ENV.AUTH_URL || baseUrl).replace(/\/$/, '');
const authPaths =
  /^\/(api\/auth(\/|\?|$)|api\/users(\/|\?|$)|\.well-known\/|openapi\/auth\.(yaml|json)(\?|$))/;

/** Absolute URL of an API path: auth paths go to AUTH_URL, everything else to BASE_URL. */
export function urlFor(path: string): string {
  return `${authPaths.test(path) ? authUrl : baseUrl}${path}`;
}
const json = { 'Content-Type': 'application/json' };

export const serverErrors = new Counter('server_errors');
/** Clean-up steps of teardown() that failed; counted (threshold count==0) instead of aborting teardown. */
export const teardownErrors = new Counter('teardown_errors');

export interface Session {
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms after which the access token should be refreshed. */
  refreshAfter: number;
}

export interface Guest {
  id: string;
  email: string;
  password: string;
}

export interface SetupData {
  roomIds: string[];
  guests: Guest[];
}

type Response = RefinedResponse<ResponseType | undefined>;

function recordServerErrors(res: Response): void {
  if (res.status >= 500 || res.status === 0) serverErrors.add(1);
}

export function post(
  path: string,
  body: unknown,
  name: string,
  token?: string,
  headers: Record<string, string> = {},
): Response {
  const res = http.post(urlFor(path), body === undefined ? null : JSON.stringify(body), {
    headers: { ...json, ...headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    tags: { name },
    responseCallback: http.expectedStatuses({ min: 200, max: 499 }),
  });
  recordServerErrors(res);
  return res;
}

export function get(path: string, name: string, token?: string): Response {
  const res = http.get(urlFor(path), {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    tags: { name },
  });
  recordServerErrors(res);
  return res;
}

export function del(path: string, name: string, token: string): Response {
  const res = http.del(urlFor(path), null, {
    headers: { Authorization: `Bearer ${token}` },
    tags: { name },
    responseCallback: http.expectedStatuses({ min: 200, max: 499 }),
  });
  recordServerErrors(res);
  return res;
}

interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

function sessionFrom(email: string, password: string, pair: TokenPair): Session {
  return {
    email,
    password,
    accessToken: pair.access_token,
    refreshToken: pair.refresh_token,
    refreshAfter: Date.now() + (pair.expires_in - 60) * 1000,
  };
}

/** The session a login's answer opens, checked (`login 200`); undefined when it failed. */
function sessionOf(res: Response, email: string, password: string): Session | undefined {
  if (!check(res, { 'login 200': (r) => r.status === 200 })) return undefined;
  return sessionFrom(email, password, res.json() as unknown as TokenPair);
}

/** Logs in; undefined when that fails (teardown() goes on without the session). */
export function tryLogin(email: string, password: string, name = 'auth_login'): Session | undefined {
  return sessionOf(post('/api/auth/login', { email, password }, name), email, password);
}

/** Logs in or fails (ends the iteration; in setup(), the test). */
export function login(email: string, password: string, name = 'auth_login'): Session {
  const session = tryLogin(email, password, name);
  if (!session) fail(`login failed for ${email}`);
  return session;
}

/** Revokes the session's refresh token (a VU that logs in again first logs out). */
export function logout(session: Session): void {
  const res = post('/api/auth/logout', { refresh_token: session.refreshToken }, 'auth_logout');
  check(res, { 'logout 204': (r) => r.status === 204 });
}

/** Reuses the VU's token; refreshes it (rotating the refresh token) when it is about to expire. */
export function ensureFresh(session: Session): Session {
  if (Date.now() < session.refreshAfter) return session;
  return refresh(session);
}

export function refresh(session: Session): Session {
  const res = post('/api/auth/refresh', { refresh_token: session.refreshToken }, 'auth_refresh');
  if (!check(res, { 'refresh 200': (r) => r.status === 200 })) return login(session.email, session.password);
  return sessionFrom(session.email, session.password, res.json() as unknown as TokenPair);
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

/** A person between two pages: 1–5 s, uniformly. Without it a VU is a saturating loop, not a user. */
export function thinkTime(): void {
  sleep(1 + Math.random() * 4);
}

function requireEnv(name: string): string {
  const value = __ENV[name];
  if (!value) fail(`environment variable ${name} is required`);
  return value;
}

/**
 * The admin's login, the first request of setup(). A load-test pod can start before the
 * network lets it through (a NetworkPolicy admitting a new pod is applied a moment after the
 * pod starts), so while the auth service cannot be reached at all (status 0) it tries again
 * each second, for up to a minute. Those attempts are expected responses, and only the last
 * attempt counts in checks and server_errors.
 */
export function adminLogin(name: string): Session {
  const email = requireEnv('ADMIN_EMAIL');
  const password = requireEnv('ADMIN_PASSWORD');
  for (let attempt = 1; ; attempt++) {
    const res = http.post(urlFor('/api/auth/login'), JSON.stringify({ email, password }), {
      headers: json,
      tags: { name },
      responseCallback: http.expectedStatuses(0, { min: 200, max: 499 }),
    });
    if (res.status === 0 && attempt < 60) {
      sleep(1);
      continue;
    }
    recordServerErrors(res);
    const session = sessionOf(res, email, password);
    if (!session) fail(`login failed for ${email}`);
    return session;
  }
}

/** Five base-36 characters naming this run's rooms and guests. */
export function runTag(): string {
  return randomInt(0, 36 ** 5 - 1)
    .toString(36)
    .padStart(5, '0');
}

/** `K<tag>-<i>`: at most 10 characters (the spec's RoomNumber) for i < 1000. */
export function roomNumber(tag: string, i: number): string {
  return `K${tag}-${i}`;
}

/** Creates a load-test room or fails setup(): the VUs need real room ids. */
export function createRoom(admin: Session, number: string): string {
  const res = post(
    '/api/rooms',
    { number, type: 'double', capacity: 2, price_per_night: '100.00' },
    'setup_rooms_create',
    admin.accessToken,
  );
  if (!check(res, { 'room created': (r) => r.status === 201 }))
    fail(`room ${number}: ${res.status} ${res.body}`);
  return res.json('id') as string;
}

/**
 * Every non-maintenance room of the first page (up to 100: bookings and reads spread over
 * them), after creating load-test rooms until there are at least `count`.
 */
function ensureRooms(admin: Session, count: number, tag: string): string[] {
  // As the admin: the public room view has no status.
  const res = get('/api/rooms?limit=100', 'setup_rooms_list', admin.accessToken);
  if (!check(res, { 'rooms listed': (r) => r.status === 200 })) fail(`listing rooms: ${res.status}`);
  const roomIds = (res.json('items') as Array<{ id: string; status: string }>)
    .filter((room) => room.status !== 'maintenance')
    .map((room) => room.id);
  for (let i = roomIds.length; i < count; i++) roomIds.push(createRoom(admin, roomNumber(tag, i)));
  return roomIds;
}

/** Registers `count` guests (k6-<tag>-<i>@loadtest.example) or fails setup(). */
export function registerGuests(count: number, tag: string): Guest[] {
  const password = __ENV.GUEST_PASSWORD || `k6-${tag}-password`;
  const guests: Guest[] = [];
  for (let i = 0; i < count; i++) {
    const email = `k6-${tag}-${i}@loadtest.example`;
    const res = post('/api/auth/register', { name: `k6 guest ${i}`, email, password }, 'setup_auth_register');
    if (!check(res, { 'guest registered': (r) => r.status === 201 }))
      fail(`registering ${email}: ${res.status}`);
    guests.push({ id: res.json('id') as string, email, password });
  }
  return guests;
}

/** Logs in as the admin, makes sure there are rooms and registers the test guests. */
export function setupData(guestCount: number, roomCount = 20): SetupData {
  const tag = runTag();
  const admin = adminLogin('setup_auth_login');
  return { roomIds: ensureRooms(admin, roomCount, tag), guests: registerGuests(guestCount, tag) };
}

/** Cancels the pending bookings a filter selects (every page); counts failures. */
export function cancelPendingBookings(admin: Session, filter: string): void {
  for (let cursor = ''; ;) {
    const res = get(
      `/api/bookings?status=pending&limit=100&${filter}${cursor}`,
      'teardown_bookings_list',
      admin.accessToken,
    );
    if (!check(res, { 'pending bookings listed': (r) => r.status === 200 })) {
      teardownErrors.add(1);
      return;
    }
    for (const booking of res.json('items') as Array<{ id: string }>) {
      const cancel = post(
        `/api/bookings/${booking.id}/cancel`,
        undefined,
        'teardown_bookings_cancel',
        admin.accessToken,
      );
      if (!check(cancel, { 'booking cancelled': (r) => r.status === 200 })) teardownErrors.add(1);
    }
    const next = res.json('next_cursor') as string | null;
    if (!next) return;
    cursor = `&cursor=${encodeURIComponent(next)}`;
  }
}

/** Deletes the test guests (their refresh tokens go with them); counts failures. */
export function deleteGuests(admin: Session, guests: Guest[]): void {
  for (const guest of guests) {
    const res = del(`/api/users/${guest.id}`, 'teardown_users_delete', admin.accessToken);
    if (!check(res, { 'guest deleted': (r) => r.status === 204 })) teardownErrors.add(1);
  }
}

/**
 * Removes what setup() and the VUs left: every guest's pending bookings (an iteration stopped
 * between booking and cancelling), then the guests. Never throws: a failed step is counted in
 * teardown_errors, so crossed thresholds still end the run with exit code 99.
 */
export function teardownData(data: SetupData): void {
  const admin = tryLogin(__ENV.ADMIN_EMAIL ?? '', __ENV.ADMIN_PASSWORD ?? '', 'teardown_auth_login');
  if (!admin) {
    teardownErrors.add(1); // the login's failed check names it; the guests and their bookings stay
    return;
  }
  for (const guest of data.guests) cancelPendingBookings(admin, `user_id=${guest.id}`);
  deleteGuests(admin, data.guests);
}

type Action = 'availability' | 'rooms' | 'bookings' | 'visit' | 'book';

/**
 * The traffic mix of a hotel site, one cycle of 20 iterations: 12 availability searches
 * (60 %), 4 room reads (list + detail, 20 %), 2 own-bookings lists (10 %), 1 visit that logs
 * in, refreshes its token and logs out (5 %), 1 booking that is cancelled again (5 %). Iteration n of the test takes
 * step n mod 20 (not dice), so any 20 consecutive iterations measure every group.
 */
/** Ten iterations: 6 searches, 2 room reads, 1 own-bookings list and `extra`. */
const half = (extra: Action): Action[] => [
  'availability',
  'rooms',
  'availability',
  'bookings',
  'availability',
  'rooms',
  'availability',
  'availability',
  extra,
  'availability',
];
const cycle: Action[] = [...half('visit'), ...half('book')];

/** The VU's guest session, logged in when an action first needs one (VU code has its own module state). */
let vuSession: Session | undefined;

function guestOf(data: SetupData): Guest {
  return data.guests[(exec.vu.idInTest - 1) % data.guests.length]!;
}

function guestSession(data: SetupData): Session {
  const guest = guestOf(data);
  vuSession = vuSession ? ensureFresh(vuSession) : login(guest.email, guest.password);
  return vuSession;
}

function searchAvailability(): void {
  const start = randomInt(1, 120);
  const res = get(
    `/api/availability?check_in=${isoDate(start)}&check_out=${isoDate(start + randomInt(1, 7))}&guests=${randomInt(1, 2)}`,
    'availability',
  );
  check(res, { 'availability 200': (r) => r.status === 200 });
}

function readRooms(data: SetupData): void {
  const list = get('/api/rooms?limit=20', 'rooms_list');
  check(list, { 'rooms 200': (r) => r.status === 200 });
  const room = get(`/api/rooms/${data.roomIds[randomInt(0, data.roomIds.length - 1)]}`, 'rooms_get');
  check(room, { 'room 200': (r) => r.status === 200 });
}

function listOwnBookings(data: SetupData): void {
  const res = get('/api/bookings?limit=20', 'bookings_list', guestSession(data).accessToken);
  check(res, { 'bookings 200': (r) => r.status === 200 });
}

/** A short visit of its own: log in, refresh the token once, log out (no refresh token is left live). */
function visit(data: SetupData): void {
  const guest = guestOf(data);
  logout(refresh(login(guest.email, guest.password)));
}

function bookAndCancel(data: SetupData): void {
  const session = guestSession(data);
  const checkIn = randomInt(30, 700);
  const res = post(
    '/api/bookings',
    {
      room_id: data.roomIds[randomInt(0, data.roomIds.length - 1)],
      check_in: isoDate(checkIn),
      check_out: isoDate(checkIn + randomInt(1, 4)),
      guests: 1,
    },
    'bookings_create',
    session.accessToken,
  );
  // 409 is a legitimate answer when another VU holds the room for those nights.
  check(res, { 'booking 201 or 409': (r) => r.status === 201 || r.status === 409 });
  if (res.status !== 201) return;
  const cancel = post(
    `/api/bookings/${res.json('id') as string}/cancel`,
    undefined,
    'bookings_cancel',
    session.accessToken,
  );
  check(cancel, { 'cancel 200': (r) => r.status === 200 });
}

/** One iteration of a VU: the next step of the traffic mix, then think time. */
export function vuTraffic(data: SetupData): void {
  const action = cycle[exec.scenario.iterationInTest % cycle.length]!;
  if (action === 'availability') searchAvailability();
  else if (action === 'rooms') readRooms(data);
  else if (action === 'bookings') listOwnBookings(data);
  else if (action === 'visit') visit(data);
  else bookAndCancel(data);
  thinkTime();
}

/** The groups the traffic mix measures (tag `name`), with their latency budgets in ms (p95, p99). */
const budgets: Record<string, [number, number]> = {
  availability: [150, 300],
  rooms_list: [100, 250],
  rooms_get: [50, 150],
  bookings_list: [100, 250],
  bookings_create: [100, 250],
  bookings_cancel: [100, 250],
  auth_login: [400, 800],
  auth_refresh: [100, 250],
  auth_logout: [100, 250],
};

/**
 * Thresholds shared by smoke/load/stress/spike/soak: checks, errors, latency budgets per group
 * (scaled), and `count>0` on every group's requests, because k6 passes a latency threshold of
 * a group that recorded nothing (an empty Trend reads 0).
 */
export function standardThresholds(scale = 1): Record<string, string[]> {
  const ms = (n: number) => Math.round(n * scale);
  const thresholds: Record<string, string[]> = {
    checks: ['rate>0.99'],
    http_req_failed: ['rate<0.01'],
    server_errors: ['count<1'],
    teardown_errors: ['count==0'],
  };
  for (const [group, [p95, p99]] of Object.entries(budgets)) {
    thresholds[`http_req_duration{name:${group}}`] = [`p(95)<${ms(p95)}`, `p(99)<${ms(p99)}`];
    thresholds[`http_reqs{name:${group}}`] = ['count>0'];
  }
  return thresholds;
}

/**
 * The options every traffic script shares: standardThresholds(scale), and 3 minutes for setup()
 * and teardown(), which register and delete up to 100 guests (k6's default of 60 s can be short).
 */
export function trafficOptions(latencyScale = 1) {
  return { thresholds: standardThresholds(latencyScale), setupTimeout: '3m', teardownTimeout: '3m' };
}
