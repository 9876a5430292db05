/**
 * Authorization matrix: every operation of openapi/auth.yaml and openapi/hotel.yaml ×
 * {anonymous, guest, another guest, staff, admin}, with the exact expected status.
 *
 * - The table must cover the specs: adding an operation to a spec without a row here fails
 *   the first test.
 * - "guest" owns the row's resource (their booking, notification, account); "another guest"
 *   is a second guest who must get 404 — never 403 — for the owner's resources. A 403 is
 *   only ever a verdict on the caller's role, given before any lookup (it reveals nothing
 *   about the id).
 * - State-changing rows prepare a fresh resource for every role, so no cell depends on the
 *   order of the others.
 * - Every 4xx is RFC 9457 application/problem+json without internals.
 *
 * Token revocation, the chosen behaviour (tested below, in the last describe block):
 * - auth re-reads the caller's account on every request: a deleted user's still-valid access
 *   token answers 401 at once, a demoted user's old token loses its power at once (403);
 * - hotel verifies the token only (signature, alg, iss, aud, exp) and trusts its `role`
 *   claim until the token expires, at most 15 minutes (ACCESS_TOKEN_TTL_SECONDS ≤ 900 by
 *   default): a deleted user's token still works there, a demoted admin's old token still
 *   acts as admin, until expiry; after expiry both answer 401, and a new token carries the
 *   new role.
 */
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { day, startHotelForTest, type HotelHarness } from './support/hotel';
import { expectProblem } from './support/problem';
import { specOperations } from './support/spec';
import { forgeToken, tamperedTokens, type ForgeOptions } from './support/tokens';

const roles = ['anonymous', 'guest', 'otherGuest', 'staff', 'admin'] as const;
type Role = (typeof roles)[number];
type Expected = Record<Role, number>;

interface Account {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  auth: { Authorization: string };
}

interface Cell {
  path: string;
  body?: Record<string, unknown>;
  /** Who acts in the "guest" column when the row creates its own owner (e.g. DELETE /api/users/{id}). */
  owner?: Account;
}

interface Row {
  /** `METHOD /path/{template}` exactly as in the spec. */
  op: string;
  variant?: string;
  service: 'auth' | 'hotel';
  expected: Expected;
  /** Prepares the request of one cell; called once per role (fresh resources where state changes). */
  prepare: (role: Role) => Promise<Cell>;
  /** Extra assertions on a successful answer. */
  check?: (res: Response, role: Role, cell: Cell) => void | Promise<void>;
}

const all = (status: number): Expected => ({
  anonymous: status,
  guest: status,
  otherGuest: status,
  staff: status,
  admin: status,
});
const statuses = (anonymous: number, guest: number, otherGuest: number, staff: number, admin: number) => ({
  anonymous,
  guest,
  otherGuest,
  staff,
  admin,
});

let h: HotelHarness;
let actors: Record<Exclude<Role, 'anonymous'>, Account>;
let sharedRoomId: string;
let ownerBookingId: string;
let ownerNotificationId: string;
let ownerProfileId: string;

beforeAll(async () => {
  h = await startHotelForTest();
  const [guest, otherGuest, staff, admin] = await Promise.all([
    h.auth.user('guest'),
    h.auth.user('guest'),
    h.auth.user('staff'),
    h.auth.user('admin'),
  ]);
  actors = { guest, otherGuest, staff, admin };
  // The owner's guest profile (made from the token on first use): staff book for it by user_id.
  ownerProfileId = (await h.guestProfile(guest)).id;
  sharedRoomId = (await h.room()).id;
  ownerBookingId = (await pendingBooking([2, 4])).id;
  const [row] = (await h.dataSource.query(
    'SELECT id FROM hotel.notifications WHERE user_id = $1 ORDER BY created_at LIMIT 1',
    [guest.id],
  )) as Array<{ id: string }>;
  ownerNotificationId = row!.id;
});
afterAll(() => h.close());

/** A booking of the owner guest on a fresh room, made by staff (who may book past dates), driven to `status`. */
async function pendingBooking(
  offsets: [number, number],
  steps: Array<'confirm' | 'check-in'> = [],
): Promise<{ id: string; roomId: string }> {
  const room = await h.room();
  const res = await h.book(h.staff, {
    room_id: room.id,
    check_in: day(offsets[0]),
    check_out: day(offsets[1]),
    user_id: actors.guest.id,
  });
  if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${res.text}`);
  const id = res.body.id as string;
  for (const step of steps) {
    const done = await h.http.post(`/api/bookings/${id}/${step}`).set(h.staff.auth);
    if (done.status !== 200) throw new Error(`${step} failed: ${done.status} ${done.text}`);
  }
  return { id, roomId: room.id };
}

/** Admins only: 401 without a token, 403 for every other role. */
const adminOnly = (status: number): Expected => statuses(401, 403, 403, 403, status);

/** A webhook subscription (to a public URL: nothing is sent, no delivery worker runs here). */
async function webhook(): Promise<string> {
  const res = await h.http
    .post('/api/webhooks')
    .set(h.admin.auth)
    .send({ url: `https://hooks.example.com/${randomUUID()}` });
  if (res.status !== 201) throw new Error(`subscription failed: ${res.status} ${res.text}`);
  return res.body.id as string;
}

const uniqueEmail = () => `matrix-${randomUUID()}@example.com`;
const roomBody = () => ({
  number: `M-${randomUUID().slice(0, 8)}`,
  type: 'matrix',
  capacity: 2,
  price_per_night: '80.00',
});
const freshLogin = async () =>
  (
    await h.auth.http
      .post('/api/auth/login')
      .send({ email: actors.guest.email, password: actors.guest.password })
      .expect(200)
  ).body.refresh_token as string;

const ids = (res: Response) => (res.body.items as Array<{ id: string }>).map((item) => item.id);
const walkInBody = () => ({ name: `Matrix Walk-in ${randomUUID().slice(0, 8)}`, phone: '+62 812 555 0101' });

const rows: Row[] = [
  // ---------------------------------------------------------------- auth
  {
    op: 'POST /api/auth/register',
    service: 'auth',
    expected: all(201),
    prepare: async () => ({
      path: '/api/auth/register',
      body: { name: 'Matrix', email: uniqueEmail(), password: 'password123' },
    }),
    check: (res) => expect(res.body.role).toBe('guest'),
  },
  {
    op: 'POST /api/auth/login',
    service: 'auth',
    expected: all(200),
    prepare: async () => ({
      path: '/api/auth/login',
      body: { email: actors.guest.email, password: actors.guest.password },
    }),
  },
  {
    op: 'POST /api/auth/refresh',
    service: 'auth',
    expected: all(200),
    prepare: async () => ({ path: '/api/auth/refresh', body: { refresh_token: await freshLogin() } }),
  },
  {
    op: 'POST /api/auth/logout',
    service: 'auth',
    expected: all(204),
    prepare: async () => ({ path: '/api/auth/logout', body: { refresh_token: await freshLogin() } }),
  },
  {
    op: 'GET /api/auth/me',
    service: 'auth',
    expected: statuses(401, 200, 200, 200, 200),
    prepare: async () => ({ path: '/api/auth/me' }),
    check: (res, role) => expect(res.body.id).toBe(actors[role as Exclude<Role, 'anonymous'>].id),
  },
  {
    op: 'GET /api/users',
    service: 'auth',
    expected: statuses(401, 403, 403, 403, 200),
    prepare: async () => ({ path: '/api/users' }),
  },
  {
    op: 'GET /api/users/{id}',
    service: 'auth',
    expected: statuses(401, 200, 404, 404, 200),
    prepare: async () => ({ path: `/api/users/${actors.guest.id}` }),
  },
  {
    op: 'PATCH /api/users/{id}',
    variant: 'name',
    service: 'auth',
    expected: statuses(401, 200, 404, 404, 200),
    prepare: async () => ({ path: `/api/users/${actors.guest.id}`, body: { name: 'Owner Renamed' } }),
  },
  {
    op: 'PATCH /api/users/{id}',
    variant: 'role (fresh owner per role)',
    service: 'auth',
    expected: statuses(401, 403, 404, 404, 200),
    prepare: async () => {
      const owner = await h.auth.user('guest');
      return { path: `/api/users/${owner.id}`, body: { role: 'staff' }, owner };
    },
  },
  {
    op: 'DELETE /api/users/{id}',
    variant: 'fresh owner per role',
    service: 'auth',
    expected: statuses(401, 403, 403, 403, 204),
    prepare: async () => {
      const owner = await h.auth.user('guest');
      return { path: `/api/users/${owner.id}`, owner };
    },
  },
  {
    op: 'GET /api/users/{id}/events',
    service: 'auth',
    expected: statuses(401, 403, 403, 403, 200),
    prepare: async () => ({ path: `/api/users/${actors.guest.id}/events` }),
    check: (res) => expect(res.body.items[0]).toMatchObject({ action: 'created', user_id: actors.guest.id }),
  },
  {
    op: 'GET /.well-known/jwks.json',
    service: 'auth',
    expected: all(200),
    prepare: async () => ({ path: '/.well-known/jwks.json' }),
  },
  // ---------------------------------------------------------------- hotel: rooms
  {
    op: 'GET /api/rooms',
    service: 'hotel',
    expected: all(200),
    prepare: async () => ({ path: '/api/rooms' }),
  },
  {
    op: 'GET /api/rooms',
    variant: 'operational filters (status, housekeeping)',
    service: 'hotel',
    expected: statuses(401, 403, 403, 200, 200),
    prepare: async () => ({ path: '/api/rooms?housekeeping=dirty&status=available' }),
  },
  {
    op: 'POST /api/rooms',
    service: 'hotel',
    expected: statuses(401, 403, 403, 403, 201),
    prepare: async () => ({ path: '/api/rooms', body: roomBody() }),
  },
  {
    op: 'GET /api/rooms/{id}',
    service: 'hotel',
    expected: all(200),
    prepare: async () => ({ path: `/api/rooms/${sharedRoomId}` }),
  },
  {
    op: 'PATCH /api/rooms/{id}',
    variant: 'status → maintenance (fresh room per role)',
    service: 'hotel',
    expected: statuses(401, 403, 403, 200, 200),
    prepare: async () => ({ path: `/api/rooms/${(await h.room()).id}`, body: { status: 'maintenance' } }),
  },
  {
    op: 'PATCH /api/rooms/{id}',
    variant: 'price (fresh room per role)',
    service: 'hotel',
    expected: statuses(401, 403, 403, 403, 200),
    prepare: async () => ({ path: `/api/rooms/${(await h.room()).id}`, body: { price_per_night: '99.00' } }),
  },
  {
    op: 'DELETE /api/rooms/{id}',
    variant: 'fresh room per role',
    service: 'hotel',
    expected: statuses(401, 403, 403, 403, 204),
    prepare: async () => ({ path: `/api/rooms/${(await h.room()).id}` }),
  },
  {
    op: 'POST /api/rooms/{id}/housekeeping',
    variant: 'fresh room per role',
    service: 'hotel',
    expected: statuses(401, 403, 403, 200, 200),
    prepare: async () => ({
      path: `/api/rooms/${(await h.room()).id}/housekeeping`,
      body: { housekeeping: 'dirty' },
    }),
    check: (res) => expect(res.body.housekeeping).toBe('dirty'),
  },
  {
    op: 'GET /api/availability',
    service: 'hotel',
    expected: all(200),
    prepare: async () => ({ path: `/api/availability?check_in=${day(40)}&check_out=${day(42)}` }),
  },
  // ---------------------------------------------------------------- hotel: bookings
  {
    op: 'GET /api/bookings',
    service: 'hotel',
    expected: statuses(401, 200, 200, 200, 200),
    prepare: async () => ({ path: '/api/bookings?limit=100' }),
    check: (res, role) => {
      // Guests see only their own bookings: the other guest must not see the owner's.
      if (role === 'otherGuest') expect(ids(res)).not.toContain(ownerBookingId);
      else expect(ids(res)).toContain(ownerBookingId);
    },
  },
  {
    op: 'GET /api/bookings',
    variant: 'user_id filter naming the owner (another guest gets an empty page)',
    service: 'hotel',
    expected: statuses(401, 200, 200, 200, 200),
    prepare: async () => ({ path: `/api/bookings?user_id=${actors.guest.id}` }),
    check: (res, role) => {
      if (role === 'otherGuest') expect(res.body.items).toEqual([]);
      else expect(ids(res)).toContain(ownerBookingId);
    },
  },
  {
    op: 'POST /api/bookings',
    variant: 'for oneself (fresh room per role)',
    service: 'hotel',
    expected: statuses(401, 201, 201, 201, 201),
    prepare: async () => ({
      path: '/api/bookings',
      body: { room_id: (await h.room()).id, check_in: day(3), check_out: day(5), guests: 1 },
    }),
  },
  {
    op: 'POST /api/bookings',
    variant: 'on behalf of the owner via user_id (fresh room per role)',
    service: 'hotel',
    expected: statuses(401, 201, 403, 201, 201),
    prepare: async () => ({
      path: '/api/bookings',
      body: {
        room_id: (await h.room()).id,
        check_in: day(3),
        check_out: day(5),
        guests: 1,
        user_id: actors.guest.id,
      },
    }),
    check: (res) => expect(res.body.user_id).toBe(actors.guest.id),
  },
  {
    op: 'POST /api/bookings',
    variant: 'for the owner’s guest profile via guest_id (fresh room per role)',
    service: 'hotel',
    expected: statuses(401, 201, 403, 201, 201),
    prepare: async () => ({
      path: '/api/bookings',
      body: {
        room_id: (await h.room()).id,
        check_in: day(3),
        check_out: day(5),
        guests: 1,
        guest_id: ownerProfileId,
      },
    }),
    check: (res) => expect(res.body.guest.id).toBe(ownerProfileId),
  },
  {
    op: 'GET /api/bookings/{id}',
    service: 'hotel',
    expected: statuses(401, 200, 404, 200, 200),
    prepare: async () => ({ path: `/api/bookings/${ownerBookingId}` }),
  },
  {
    op: 'PATCH /api/bookings/{id}',
    variant: 'fresh pending booking per role',
    service: 'hotel',
    expected: statuses(401, 200, 404, 200, 200),
    prepare: async () => ({
      path: `/api/bookings/${(await pendingBooking([2, 4])).id}`,
      body: { check_out: day(5) },
    }),
    check: (res) => expect(res.body.nights).toBe(3),
  },
  {
    op: 'GET /api/bookings/{id}/events',
    service: 'hotel',
    expected: statuses(401, 200, 404, 200, 200),
    prepare: async () => ({ path: `/api/bookings/${ownerBookingId}/events` }),
    check: (res) => expect(res.body.items[0].action).toBe('created'),
  },
  {
    op: 'POST /api/bookings/{id}/confirm',
    variant: 'fresh pending booking per role',
    service: 'hotel',
    expected: statuses(401, 403, 403, 200, 200),
    prepare: async () => ({ path: `/api/bookings/${(await pendingBooking([1, 3])).id}/confirm` }),
    check: (res) => expect(res.body.status).toBe('confirmed'),
  },
  {
    op: 'POST /api/bookings/{id}/cancel',
    variant: 'fresh pending booking per role',
    service: 'hotel',
    expected: statuses(401, 200, 404, 200, 200),
    prepare: async () => ({ path: `/api/bookings/${(await pendingBooking([1, 3])).id}/cancel` }),
    check: (res) => expect(res.body.status).toBe('cancelled'),
  },
  {
    op: 'POST /api/bookings/{id}/check-in',
    variant: 'fresh confirmed booking per role',
    service: 'hotel',
    expected: statuses(401, 403, 403, 200, 200),
    prepare: async () => ({
      path: `/api/bookings/${(await pendingBooking([-1, 2], ['confirm'])).id}/check-in`,
    }),
    check: (res) => expect(res.body.status).toBe('checked_in'),
  },
  {
    op: 'POST /api/bookings/{id}/check-in',
    variant: 'override into a dirty room (fresh confirmed booking per role)',
    service: 'hotel',
    expected: statuses(401, 403, 403, 200, 200),
    prepare: async () => {
      const { id, roomId } = await pendingBooking([-1, 2], ['confirm']);
      await h.http
        .post(`/api/rooms/${roomId}/housekeeping`)
        .set(h.staff.auth)
        .send({ housekeeping: 'dirty' })
        .expect(200);
      return { path: `/api/bookings/${id}/check-in`, body: { override: true } };
    },
    check: (res) => expect(res.body.status).toBe('checked_in'),
  },
  {
    op: 'POST /api/bookings/{id}/check-out',
    variant: 'fresh checked-in booking per role',
    service: 'hotel',
    expected: statuses(401, 403, 403, 200, 200),
    prepare: async () => ({
      path: `/api/bookings/${(await pendingBooking([-1, 2], ['confirm', 'check-in'])).id}/check-out`,
    }),
    check: (res) => expect(res.body.status).toBe('checked_out'),
  },
  {
    op: 'POST /api/bookings/{id}/no-show',
    variant: 'fresh confirmed booking per role',
    service: 'hotel',
    expected: statuses(401, 403, 403, 200, 200),
    prepare: async () => ({
      path: `/api/bookings/${(await pendingBooking([-1, 2], ['confirm'])).id}/no-show`,
    }),
    check: (res) => expect(res.body.status).toBe('no_show'),
  },
  // ---------------------------------------------------------------- hotel: guest profiles
  {
    op: 'GET /api/guests',
    service: 'hotel',
    expected: statuses(401, 403, 403, 200, 200),
    prepare: async () => ({ path: '/api/guests?q=Matrix' }),
  },
  {
    op: 'POST /api/guests',
    service: 'hotel',
    expected: statuses(401, 403, 403, 201, 201),
    prepare: async () => ({ path: '/api/guests', body: walkInBody() }),
  },
  {
    op: 'GET /api/guests/me',
    service: 'hotel',
    expected: statuses(401, 200, 200, 200, 200),
    prepare: async () => ({ path: '/api/guests/me' }),
    check: (res, role) => expect(res.body.user_id).toBe(actors[role as Exclude<Role, 'anonymous'>].id),
  },
  {
    op: 'GET /api/guests/{id}',
    service: 'hotel',
    expected: statuses(401, 200, 404, 200, 200),
    prepare: async () => ({ path: `/api/guests/${ownerProfileId}` }),
    check: (res, role) => {
      // The guest view has no notes; the staff view has them.
      if (role === 'guest') expect(res.body).not.toHaveProperty('notes');
      else expect(res.body).toHaveProperty('notes');
    },
  },
  {
    op: 'PATCH /api/guests/{id}',
    variant: 'phone',
    service: 'hotel',
    expected: statuses(401, 200, 404, 200, 200),
    prepare: async () => ({ path: `/api/guests/${ownerProfileId}`, body: { phone: '+62 812 555 0199' } }),
  },
  {
    op: 'PATCH /api/guests/{id}',
    variant: 'notes (the front desk’s)',
    service: 'hotel',
    expected: statuses(401, 403, 403, 200, 200),
    prepare: async () => ({ path: `/api/guests/${ownerProfileId}`, body: { notes: 'prefers a high floor' } }),
  },
  // ---------------------------------------------------------------- hotel: notifications
  {
    op: 'GET /api/notifications',
    service: 'hotel',
    expected: statuses(401, 200, 200, 200, 200),
    prepare: async () => ({ path: '/api/notifications?limit=100' }),
    check: (res, role) => {
      if (role === 'guest') expect(ids(res)).toContain(ownerNotificationId);
      else expect(ids(res)).not.toContain(ownerNotificationId);
    },
  },
  {
    op: 'POST /api/notifications/{id}/read',
    service: 'hotel',
    // Notifications are strictly personal: staff and admins get 404 for a guest's too.
    expected: statuses(401, 200, 404, 404, 404),
    prepare: async () => ({ path: `/api/notifications/${ownerNotificationId}/read` }),
  },
  // ---------------------------------------------------------------- hotel: webhooks (admins only)
  {
    op: 'GET /api/webhooks',
    service: 'hotel',
    expected: adminOnly(200),
    prepare: async () => ({ path: '/api/webhooks' }),
  },
  {
    op: 'POST /api/webhooks',
    service: 'hotel',
    expected: adminOnly(201),
    prepare: async () => ({ path: '/api/webhooks', body: { url: 'https://hooks.example.com/matrix' } }),
    check: (res) => expect(res.body.secret).toMatch(/^whsec_/),
  },
  {
    op: 'GET /api/webhooks/{id}',
    service: 'hotel',
    expected: adminOnly(200),
    prepare: async () => ({ path: `/api/webhooks/${await webhook()}` }),
  },
  {
    op: 'PATCH /api/webhooks/{id}',
    variant: 'fresh subscription per role',
    service: 'hotel',
    expected: adminOnly(200),
    prepare: async () => ({ path: `/api/webhooks/${await webhook()}`, body: { enabled: false } }),
  },
  {
    op: 'DELETE /api/webhooks/{id}',
    variant: 'fresh subscription per role',
    service: 'hotel',
    expected: adminOnly(204),
    prepare: async () => ({ path: `/api/webhooks/${await webhook()}` }),
  },
  {
    op: 'POST /api/webhooks/{id}/rotate-secret',
    variant: 'fresh subscription per role',
    service: 'hotel',
    expected: adminOnly(200),
    prepare: async () => ({ path: `/api/webhooks/${await webhook()}/rotate-secret` }),
  },
  {
    op: 'GET /api/webhooks/{id}/deliveries',
    service: 'hotel',
    expected: adminOnly(200),
    prepare: async () => ({ path: `/api/webhooks/${await webhook()}/deliveries` }),
  },
  {
    op: 'POST /api/webhooks/{id}/deliveries/{delivery_id}/retry',
    variant: 'fresh subscription and delivery per role',
    service: 'hotel',
    expected: adminOnly(202),
    prepare: async () => {
      const id = await webhook();
      await pendingBooking([50, 51]);
      const [delivery] = (await h.dataSource.query(
        'SELECT id FROM hotel.webhook_deliveries WHERE endpoint_id = $1',
        [id],
      )) as Array<{ id: string }>;
      return { path: `/api/webhooks/${id}/deliveries/${delivery!.id}/retry` };
    },
  },
];

const describeExpected = (e: Expected) => roles.map((role) => `${role} ${e[role]}`).join(', ');

async function send(row: Row, role: Role, cell: Cell): Promise<Response> {
  const [method] = row.op.split(' ') as [string];
  const agent = row.service === 'auth' ? h.auth.http : h.http;
  const actor = role === 'anonymous' ? undefined : role === 'guest' && cell.owner ? cell.owner : actors[role];
  let request = agent[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](cell.path);
  if (actor) request = request.set(actor.auth);
  return cell.body === undefined ? request : request.send(cell.body);
}

describe('authorization matrix', () => {
  it('has a row for every operation of both specs, and no row for an operation they lack', () => {
    const specKeys = specOperations()
      .map((op) => op.key)
      .sort();
    const tableKeys = [...new Set(rows.map((row) => row.op))].sort();
    expect(tableKeys).toEqual(specKeys);
  });

  it.each(
    rows.map(
      (row) =>
        [
          `${row.op}${row.variant ? ` [${row.variant}]` : ''}: ${describeExpected(row.expected)}`,
          row,
        ] as const,
    ),
  )('%s', async (_name, row) => {
    const actual = {} as Expected;
    for (const role of roles) {
      const cell = await row.prepare(role);
      const res = await send(row, role, cell);
      actual[role] = res.status;
      if (res.status >= 400 && res.status < 500) expectProblem(res, res.status);
      else if (res.status < 300 && res.status === row.expected[role]) await row.check?.(res, role, cell);
    }
    expect({ op: row.op, statuses: actual }).toEqual({ op: row.op, statuses: row.expected });
  });
});

describe('tampered access tokens against hotel endpoints (all 401 problem+json, nothing written)', () => {
  const forge = (sub: string, options: ForgeOptions = {}) => forgeToken(h.auth.keys, sub, options);

  it('rejects each tampered token on a guest endpoint and an admin endpoint', async () => {
    const roomsBefore = await h.count('rooms');
    const tokens = await tamperedTokens(h.auth.keys, actors.guest.id, actors.guest.accessToken);
    for (const [name, token] of Object.entries(tokens)) {
      const auth = { Authorization: `Bearer ${token}` };
      const list = await h.http.get('/api/bookings').set(auth);
      expect({ name, status: list.status }).toEqual({ name, status: 401 });
      expectProblem(list, 401);
      expect(list.headers['www-authenticate']).toMatch(/^Bearer/);
      const create = await h.http.post('/api/rooms').set(auth).send(roomBody());
      expect({ name, status: create.status }).toEqual({ name, status: 401 });
      expectProblem(create, 401);
      // A present but invalid token is a 401 even on public endpoints: it is never ignored.
      expectProblem(await h.http.get('/api/rooms').set(auth), 401);
    }
    expect(await h.count('rooms')).toBe(roomsBefore);
  });

  it("a deleted user's token: auth answers 401 at once; hotel accepts it until it expires (≤ 15 min), then 401", async () => {
    const victim = await h.auth.user('guest');
    const booked = await h.book(victim, {
      room_id: (await h.room()).id,
      check_in: day(6),
      check_out: day(7),
    });
    expect(booked.status).toBe(201);
    await h.auth.http.delete(`/api/users/${victim.id}`).set(actors.admin.auth).expect(204);

    expectProblem(await h.auth.http.get('/api/auth/me').set(victim.auth), 401);
    expectProblem(await h.auth.http.get(`/api/users/${victim.id}`).set(victim.auth), 401);

    // Hotel does not call auth per request: the token stays valid until `exp`.
    const stillValid = await h.http.get('/api/bookings').set(victim.auth).expect(200);
    expect(ids(stillValid)).toContain(booked.body.id);
    const claims = JSON.parse(Buffer.from(victim.accessToken.split('.')[1]!, 'base64url').toString()) as {
      iat: number;
      exp: number;
    };
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(15 * 60);

    // The same subject once the token lifetime is over: 401.
    const expired = await forge(victim.id, { role: 'guest', expiresIn: '-10s' });
    expectProblem(await h.http.get('/api/bookings').set('Authorization', `Bearer ${expired}`), 401);
  });

  it("a demoted admin's old token: auth answers 403 at once; hotel keeps its admin role until it expires (≤ 15 min); a new token carries the new role", async () => {
    const demoted = await h.auth.user('admin');
    await h.http.post('/api/rooms').set(demoted.auth).send(roomBody()).expect(201);
    await h.auth.http
      .patch(`/api/users/${demoted.id}`)
      .set(actors.admin.auth)
      .send({ role: 'guest' })
      .expect(200);

    expectProblem(await h.auth.http.get('/api/users').set(demoted.auth), 403);
    expectProblem(await h.auth.http.delete(`/api/users/${actors.otherGuest.id}`).set(demoted.auth), 403);

    // Hotel trusts the role claim of the old token within its lifetime.
    await h.http.post('/api/rooms').set(demoted.auth).send(roomBody()).expect(201);
    const claims = JSON.parse(Buffer.from(demoted.accessToken.split('.')[1]!, 'base64url').toString()) as {
      role: string;
      iat: number;
      exp: number;
    };
    expect(claims.role).toBe('admin');
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(15 * 60);

    // Its refresh tokens were revoked with the role change, so no new admin token can be had …
    expectProblem(
      await h.auth.http.post('/api/auth/refresh').send({ refresh_token: demoted.refreshToken }),
      401,
    );
    // … and a new login yields a guest token, which hotel refuses for admin work.
    const login = await h.auth.http
      .post('/api/auth/login')
      .send({ email: demoted.email, password: demoted.password })
      .expect(200);
    expectProblem(
      await h.http
        .post('/api/rooms')
        .set('Authorization', `Bearer ${login.body.access_token as string}`)
        .send(roomBody()),
      403,
    );
    // Once the old token's lifetime is over, its admin claim is worthless.
    const expired = await forge(demoted.id, { role: 'admin', expiresIn: '-10s' });
    expectProblem(
      await h.http.post('/api/rooms').set('Authorization', `Bearer ${expired}`).send(roomBody()),
      401,
    );
  });
});
