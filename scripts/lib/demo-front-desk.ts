/**
 * The front desk's demo data for `npm start`, made through the public API as the demo staff
 * member (so the audit trail names who did what): walk-in guests, bookings with their
 * references, a changed booking, a stay checked out this morning (its room dirty) and a
 * booking of the demo guest's account (its profile made from the token). Only on a system
 * without guest profiles yet.
 */
interface DemoApi {
  auth: string;
  hotel: string;
}

interface DemoAccount {
  email: string;
  password: string;
}

interface Json {
  [key: string]: unknown;
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function call(
  base: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function login(api: DemoApi, account: DemoAccount): Promise<string | undefined> {
  const res = await fetch(`${api.auth}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(account),
  });
  return res.status === 200 ? ((await res.json()) as { access_token: string }).access_token : undefined;
}

/** Makes the demo data unless there are guest profiles already; returns what it made, for the log. */
export async function seedFrontDesk(
  api: DemoApi,
  staff: DemoAccount,
  guest: DemoAccount,
): Promise<string | undefined> {
  const [staffToken, guestToken] = await Promise.all([login(api, staff), login(api, guest)]);
  if (!staffToken || !guestToken)
    return 'front-desk demo data skipped: the demo staff or guest cannot log in';
  const existing = await call(api.hotel, 'GET', '/api/guests?limit=1', staffToken);
  if (existing.status !== 200)
    return `front-desk demo data skipped: the demo staff cannot list guests (${existing.status})`;
  if (((await existing.json()) as { items: unknown[] }).items.length > 0) return undefined;

  const request = async (method: string, path: string, body?: unknown, token = staffToken): Promise<Json> => {
    const res = await call(api.hotel, method, path, token, body);
    if (!res.ok) throw new Error(`demo data: ${method} ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as Json;
  };
  const rooms = (await request('GET', '/api/rooms?limit=100')).items as Array<{ id: string; number: string }>;
  const room = (number: string) => {
    const found = rooms.find((r) => r.number === number);
    if (!found) throw new Error(`demo data: no room ${number}`);
    return found.id;
  };
  const walkIn = (body: Json) => request('POST', '/api/guests', body);
  const book = (guestId: string, roomNumber: string, from: number, to: number, guests = 1) =>
    request('POST', '/api/bookings', {
      room_id: room(roomNumber),
      check_in: day(from),
      check_out: day(to),
      guests,
      guest_id: guestId,
    });
  const step = (booking: Json, action: string) =>
    request('POST', `/api/bookings/${String(booking.id)}/${action}`);

  const siti = await walkIn({
    name: 'Siti Rahma',
    email: 'siti.rahma@example.com',
    phone: '+62 812-555-0101',
    notes: 'Arrives late, around 23:00',
  });
  const budi = await walkIn({ name: 'Budi Santoso', phone: '(021) 555 0199', notes: 'Prefers a quiet room' });
  const maria = await walkIn({ name: 'Maria Gonzalez', email: 'maria.gonzalez@example.com' });

  // A changed booking: one more night, and a second guest.
  const changed = await book(String(siti.id), '201', 3, 5);
  await request('PATCH', `/api/bookings/${String(changed.id)}`, { check_out: day(6), guests: 2 });
  await step(changed, 'confirm');
  // Checked out this morning: room 102 waits for housekeeping.
  const stayed = await book(String(budi.id), '102', -2, 1);
  for (const action of ['confirm', 'check-in', 'check-out']) await step(stayed, action);
  const confirmed = await book(String(maria.id), '301', 7, 10, 3);
  await step(confirmed, 'confirm');
  // The demo guest's own booking: their profile is made from the token's name and email.
  const own = await request(
    'POST',
    '/api/bookings',
    { room_id: room('401'), check_in: day(14), check_out: day(17), guests: 2 },
    guestToken,
  );
  const references = [changed, stayed, confirmed, own].map((b) => String(b.reference)).join(', ');
  return `front-desk demo data: 3 walk-in guests, bookings ${references} (${String(changed.reference)} changed), room 102 dirty`;
}
