import { day, startHotelForTest, type HotelHarness } from '../../../test/support/hotel';

const lines: string[] = [];
let h: HotelHarness;
beforeAll(async () => {
  h = await startHotelForTest({
    env: { LOG_LEVEL: 'trace' },
    logDestination: { write: (line: string) => void lines.push(line) },
  });
});
afterAll(() => h.close());

test('names, emails, phones and notes of guests never reach the log (not in bodies, not in search URLs)', async () => {
  const personal = {
    name: 'Ana Lima Zukowska',
    email: 'ana.zukowska@example.com',
    phone: '+48 601 555 777',
    notes: 'allergic to feathers',
  };
  const guest = await h.http.post('/api/guests').set(h.staff.auth).send(personal).expect(201);
  for (const q of ['Ana Lima', personal.email, '601555', personal.phone]) {
    await h.http.get('/api/guests').query({ q }).set(h.staff.auth).expect(200);
    await h.http.get('/api/bookings').query({ q, status: 'pending' }).set(h.staff.auth).expect(200);
  }
  await h.http
    .patch(`/api/guests/${guest.body.id}`)
    .set(h.staff.auth)
    .send({ notes: 'allergic to down' })
    .expect(200);
  const room = await h.room();
  await h
    .book(h.staff, { room_id: room.id, check_in: day(1), check_out: day(2), guest_id: guest.body.id })
    .expect(201);
  // A refused request is logged as a warning, still without the values it carried.
  await h.http
    .post('/api/guests')
    .set(h.staff.auth)
    .send({ ...personal, phone: 'call Ana' })
    .expect(400);

  const log = lines.join('\n');
  expect(lines.length).toBeGreaterThan(10);
  expect(log).toContain('"url":"/api/guests?q=%5Bredacted%5D"');
  for (const value of [
    ...Object.values(personal),
    'Ana+Lima',
    'Ana%20Lima',
    'allergic',
    'zukowska',
    '601555',
    'call Ana',
  ]) {
    expect({ value, logged: log.includes(value) }).toEqual({ value, logged: false });
  }
});
