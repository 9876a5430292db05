/** Regression tests for the contract-fuzzing findings (see run-fuzz.ts), fast and in-process. */
import type { AuthHarness } from '../support/auth';
import { day, startHotelForTest, type HotelHarness } from '../support/hotel';
import { expectProblem } from '../support/problem';

let hotel: HotelHarness;
let auth: AuthHarness;

beforeAll(async () => {
  hotel = await startHotelForTest();
  auth = hotel.auth;
});
afterAll(() => hotel.close());

test('a NUL character in a body or query string is a 400, not a database 500', async () => {
  const register = await auth.http
    .post('/api/auth/register')
    .send({ name: 'A\u0000B', email: 'nul@example.com', password: 'correct horse battery' });
  expect(expectProblem(register, 400).errors).toEqual([expect.objectContaining({ path: '/body/name' })]);
  const room = await hotel.http
    .post('/api/rooms')
    .set(hotel.admin.auth)
    .send({ number: 'N1', type: 'x\u0000y', capacity: 1, price_per_night: '1.00' });
  expectProblem(room, 400);
  expectProblem(await hotel.http.get('/api/rooms').query({ type: 'a\u0000' }), 400);
});

test('year 0000 is not a calendar date (PostgreSQL has no year 0): 400, not 500', async () => {
  const guest = await hotel.user('guest');
  expectProblem(await hotel.http.get('/api/bookings').set(guest.auth).query({ to: '0000-01-01' }), 400);
  expectProblem(
    await hotel.http.get('/api/availability').query({ check_in: '0000-02-29', check_out: '0000-03-01' }),
    400,
  );
});

test('years 0001–0099 are real dates (not 1900–1999)', async () => {
  const res = await hotel.http
    .get('/api/availability')
    .query({ check_in: '0004-02-28', check_out: '0004-03-01' });
  expect(res.status).toBe(200);
  expect(res.body.items.every((item: { nights: number }) => item.nights === 2)).toBe(true);
});

test('public operations answer a documented 401 to an invalid bearer token', async () => {
  const bad = { Authorization: 'Bearer aaa.bbb.ccc' };
  expectProblem(await hotel.http.get('/api/rooms').set(bad), 401);
  expectProblem(
    await hotel.http
      .get('/api/availability')
      .set(bad)
      .query({ check_in: day(1), check_out: day(2) }),
    401,
  );
  expectProblem(await auth.http.get('/.well-known/jwks.json').set(bad), 401);
  expectProblem(
    await auth.http
      .post('/api/auth/register')
      .set(bad)
      .send({ name: 'Bad Token', email: 'bad-token@example.com', password: 'correct horse battery' }),
    401,
  );
  expectProblem(await auth.http.post('/api/auth/logout').set(bad).send({ refresh_token: 'x' }), 401);
  const room = await hotel.room();
  expectProblem(await hotel.http.get(`/api/rooms/${room.id}`).set(bad), 401);
});
