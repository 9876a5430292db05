/**
 * @myhotel/client against both services over real HTTP: typed calls end to end, and token
 * renewal happening exactly once however many requests need it (refresh tokens rotate, and a
 * reused one would revoke the whole session).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { createMyHotelClient, MyHotelError, type MyHotelClient } from '@myhotel/client';
import { day, startHotelForTest, type HotelHarness } from '../../../test/support/hotel';

let stack: HotelHarness;
const servers: Server[] = [];
let hotelBase: string;
let authBase: string;

const listen = (app: RequestListener) =>
  new Promise<string>((resolve) => {
    const server = createServer(app).listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`),
    );
    servers.push(server);
  });

beforeAll(async () => {
  stack = await startHotelForTest();
  authBase = await listen(stack.auth.app);
  hotelBase = await listen(stack.app);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await stack?.close();
});

/** A client whose fetch counts the refreshes it sends (and tells `onRefresh` of each). */
function countingClient(
  now?: () => number,
  onRefresh: () => void = () => undefined,
): { client: MyHotelClient; refreshes: () => number } {
  let refreshes = 0;
  const counting: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const response = await fetch(input, init);
    if (url.endsWith('/api/auth/refresh')) {
      refreshes += 1;
      onRefresh();
    }
    return response;
  };
  return {
    client: createMyHotelClient({ baseUrl: hotelBase, authBaseUrl: authBase, fetch: counting, now }),
    refreshes: () => refreshes,
  };
}

async function registeredGuest(client: MyHotelClient): Promise<string> {
  const email = `client.${Date.now()}.${Math.random().toString(36).slice(2, 6)}@example.com`;
  const { response } = await client.auth.POST('/api/auth/register', {
    body: { name: 'Client Guest', email, password: 'a-good-password' },
  });
  expect(response.status).toBe(201);
  await client.login(email, 'a-good-password');
  return email;
}

test('a guest registers, searches, books and reads the booking, all typed', async () => {
  const room = await stack.room({ capacity: 2 });
  const { client } = countingClient();
  const email = await registeredGuest(client);

  const me = await client.auth.GET('/api/auth/me');
  expect(me.data?.email).toBe(email);
  const search = await client.hotel.GET('/api/availability', {
    params: { query: { check_in: day(5), check_out: day(7), guests: 2, limit: 100 } },
  });
  expect(search.data?.items.map((item) => item.room.id)).toContain(room.id);
  const booked = await client.hotel.POST('/api/bookings', {
    body: { room_id: room.id, check_in: day(5), check_out: day(7), guests: 2 },
    params: { header: { 'Idempotency-Key': `client-${room.id}` } },
  });
  expect(booked.response.status).toBe(201);
  expect(booked.data?.status).toBe('pending');
  const read = await client.hotel.GET('/api/bookings/{id}', { params: { path: { id: booked.data!.id } } });
  expect(read.data?.total_price).toBe(booked.data?.total_price);

  await client.logout();
  expect(client.signedIn).toBe(false);
  expect((await client.hotel.GET('/api/bookings')).response.status).toBe(401);
});

test('a failed login is a MyHotelError carrying the problem', async () => {
  const { client } = countingClient();
  await expect(client.login('nobody@example.com', 'wrong-password')).rejects.toThrow(MyHotelError);
  await expect(client.login('nobody@example.com', 'wrong-password')).rejects.toMatchObject({ status: 401 });
});

test('an access token about to expire is renewed once for ten concurrent requests', async () => {
  // The client's clock runs 14.5 minutes ahead until the renewal: the 15-minute token looks 30 s
  // from expiry, and the renewed one (issued by the server's clock) is fresh.
  let skew = 0;
  const { client, refreshes } = countingClient(
    () => Date.now() + skew,
    () => (skew = 0),
  );
  await registeredGuest(client);
  const before = client.tokens!;
  skew = 14.5 * 60_000;
  const answers = await Promise.all(Array.from({ length: 10 }, () => client.hotel.GET('/api/notifications')));
  expect(answers.map((a) => a.response.status)).toEqual(Array(10).fill(200));
  expect(refreshes()).toBe(1);
  expect(client.tokens!.refresh_token).not.toBe(before.refresh_token);
});

test('requests answered 401 are retried once after one renewal; the old refresh token is spent', async () => {
  const { client, refreshes } = countingClient();
  await registeredGuest(client);
  const valid = client.tokens!;
  // An access token the services reject (signed by nobody) that does not look expired.
  const payload = Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 600 })).toString(
    'base64url',
  );
  client.restore({
    access_token: `eyJhbGciOiJFZERTQSJ9.${payload}.c2ln`,
    refresh_token: valid.refresh_token,
  });
  const answers = await Promise.all(Array.from({ length: 10 }, () => client.hotel.GET('/api/notifications')));
  expect(answers.map((a) => a.response.status)).toEqual(Array(10).fill(200));
  expect(refreshes()).toBe(1);
  // Rotation: the refresh token the session started with no longer works.
  const reuse = await client.auth.POST('/api/auth/refresh', { body: { refresh_token: valid.refresh_token } });
  expect(reuse.response.status).toBe(401);
});

test('when the refresh token is no longer valid, the 401 stands and the session ends', async () => {
  const { client, refreshes } = countingClient();
  await registeredGuest(client);
  const payload = Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 600 })).toString(
    'base64url',
  );
  client.restore({
    access_token: `eyJhbGciOiJFZERTQSJ9.${payload}.c2ln`,
    refresh_token: 'revoked-or-unknown',
  });
  const answer = await client.hotel.GET('/api/notifications');
  expect(answer.response.status).toBe(401);
  expect(refreshes()).toBe(1);
  expect(client.signedIn).toBe(false);
});
