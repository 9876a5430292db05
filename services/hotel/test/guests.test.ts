import { randomUUID } from 'node:crypto';
import { allPages } from '../../../test/support/pages';
import { expectProblem } from '../../../test/support/problem';
import { forgeToken } from '../../../test/support/tokens';
import { day, startHotelForTest, type GuestJson, type HotelHarness } from '../../../test/support/hotel';

let h: HotelHarness;
beforeAll(async () => {
  h = await startHotelForTest();
});
afterAll(() => h.close());

const missing = '00000000-0000-4000-8000-000000000000';
/** A token of `id` without the name and email claims (as a token issued before they existed). */
const bare = async (id: string) => ({
  Authorization: `Bearer ${await forgeToken(h.auth.keys, id, { role: 'guest' })}`,
});

describe('guest profiles of accounts', () => {
  it('GET /api/guests/me makes the profile from the token claims once; a guest never sees its notes', async () => {
    const guest = await h.user('guest');
    const first = await h.http.get('/api/guests/me').set(guest.auth).expect(200);
    expect(first.body).toEqual({
      id: expect.any(String),
      name: `Test guest ${guest.id.slice(0, 8)}`,
      email: `guest.${guest.id.slice(0, 8)}@example.test`,
      phone: null,
      user_id: guest.id,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect((await h.http.get('/api/guests/me').set(guest.auth).expect(200)).body).toEqual(first.body);
    expect((await h.http.get(`/api/guests/${first.body.id}`).set(h.staff.auth).expect(200)).body).toEqual({
      ...first.body,
      notes: null,
    });
    expectProblem(await h.http.get('/api/guests/me'), 401);
  });

  it('is made on the first booking too, and concurrent first requests of one account make one profile', async () => {
    const guest = await h.user('guest');
    const room = await h.room();
    const [booking] = await Promise.all([
      h.book(guest, { room_id: room.id, check_in: day(3), check_out: day(4) }),
      ...Array.from({ length: 8 }, () => h.http.get('/api/guests/me').set(guest.auth)),
    ]);
    expect(booking.status).toBe(201);
    expect(await h.count('guests', 'user_id = $1', [guest.id])).toBe(1);
    const profile = await h.guestProfile(guest);
    expect(booking.body.guest).toEqual({ id: profile.id, name: profile.name, email: profile.email });
  });

  it('a token without claims makes a placeholder, which the next token with claims fills in', async () => {
    const id = randomUUID();
    const placeholder = await h.http
      .get('/api/guests/me')
      .set(await bare(id))
      .expect(200);
    expect(placeholder.body).toMatchObject({ name: `Guest ${id.slice(0, 8)}`, email: null, user_id: id });
    const withClaims = await h.user('guest', id);
    const filled = await h.http.get('/api/guests/me').set(withClaims.auth).expect(200);
    expect(filled.body).toMatchObject({
      id: placeholder.body.id,
      name: `Test guest ${id.slice(0, 8)}`,
      email: `guest.${id.slice(0, 8)}@example.test`,
    });
    // Once filled (or edited), a profile is the guest's: later tokens do not overwrite it.
    await h.http
      .patch(`/api/guests/${filled.body.id}`)
      .set(withClaims.auth)
      .send({ name: 'Ana B.' })
      .expect(200);
    expect((await h.http.get('/api/guests/me').set(withClaims.auth).expect(200)).body.name).toBe('Ana B.');
  });
});

describe('walk-in guests and the front desk', () => {
  it('staff create walk-ins (201 + Location); guests get 403, anonymous 401; an account has one profile (409)', async () => {
    const body = {
      name: 'Siti Rahma',
      email: 'siti@example.com',
      phone: '+62 812-555-0101',
      notes: 'late arrival',
    };
    const res = await h.http.post('/api/guests').set(h.staff.auth).send(body).expect(201);
    expect(res.headers.location).toBe(`/api/guests/${res.body.id}`);
    expect(res.body).toEqual({
      id: expect.any(String),
      ...body,
      user_id: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const guest = await h.user('guest');
    expectProblem(await h.http.post('/api/guests').set(guest.auth).send(body), 403);
    expectProblem(await h.http.post('/api/guests').send(body), 401);

    const linked = await h.http
      .post('/api/guests')
      .set(h.admin.auth)
      .send({ name: 'Has An Account', user_id: guest.id })
      .expect(201);
    expect(linked.body.user_id).toBe(guest.id);
    expect((await h.guestProfile(guest)).id).toBe(linked.body.id);
    const before = await h.count('guests');
    expectProblem(
      await h.http.post('/api/guests').set(h.staff.auth).send({ name: 'Again', user_id: guest.id }),
      409,
    );
    expect(await h.count('guests')).toBe(before);
  });

  it('shows a profile to staff, admins and its own guest; anyone else gets 404', async () => {
    const walkIn = await h.walkIn();
    const guest = await h.user('guest');
    const own = await h.guestProfile(guest);
    await h.http.get(`/api/guests/${own.id}`).set(guest.auth).expect(200);
    expectProblem(await h.http.get(`/api/guests/${walkIn.id}`).set(guest.auth), 404);
    expectProblem(await h.http.get(`/api/guests/${own.id}`).set((await h.user('guest')).auth), 404);
    await h.http.get(`/api/guests/${own.id}`).set(h.admin.auth).expect(200);
    expectProblem(await h.http.get(`/api/guests/${missing}`).set(h.staff.auth), 404);
  });

  it('searches by the start of the name, email or phone digits, case-insensitive, for staff only', async () => {
    const tag = `zq${randomUUID().slice(0, 6)}`;
    const digits = String(Date.now()).slice(-7);
    const ana = await h.walkIn({
      name: `${tag} Ana Lima`,
      email: `${tag}.ana@example.com`,
      phone: `+62 812-${digits.slice(0, 3)}-${digits.slice(3)}`,
    });
    const bob = await h.walkIn({
      name: `${tag} Bob`,
      email: `bob.${tag}@example.com`,
      phone: `(021) ${digits}`,
    });
    const search = async (q: string) =>
      (await h.http.get('/api/guests').query({ q, limit: 100 }).set(h.staff.auth).expect(200)).body.items.map(
        (g: GuestJson) => g.id,
      );
    expect(await search(tag.toUpperCase())).toEqual([ana.id, bob.id]);
    expect(await search(`${tag} ana`)).toEqual([ana.id]);
    expect(await search(`${tag}.ANA@`)).toEqual([ana.id]);
    expect(await search(`bob.${tag}`)).toEqual([bob.id]);
    // Digits only are compared: any spelling of the number finds it.
    expect(await search('+62 812')).toContain(ana.id);
    expect(await search(`62-812-${digits}`)).toEqual([ana.id]);
    expect(await search(`(021) ${digits.slice(0, 4)}`)).toEqual([bob.id]);
    // Not a substring search, and LIKE wildcards are plain characters.
    expect(await search('Ana Lima')).not.toContain(ana.id);
    expect(await search(`${tag}%`)).toEqual([]);
    expect(await search(`${tag}_`)).toEqual([]);
    expectProblem(
      await h.http
        .get('/api/guests')
        .query({ q: tag })
        .set((await h.user('guest')).auth),
      403,
    );
    expectProblem(await h.http.get('/api/guests').query({ q: tag }), 401);
  });

  it('sorts by name (case-insensitive) or creation, paging stably; a cursor belongs to its search and sort', async () => {
    const tag = `srt${randomUUID().slice(0, 6)}`;
    for (const name of ['delta', 'Alpha', 'charlie', 'bravo']) await h.walkIn({ name: `${tag} ${name}` });
    const names = async (sort: string) =>
      (
        await allPages<GuestJson>((cursor) =>
          h.http
            .get('/api/guests')
            .query({ q: tag, sort, limit: 1, ...cursor })
            .set(h.staff.auth),
        )
      ).map((g) => g.name.slice(tag.length + 1));
    expect(await names('name')).toEqual(['Alpha', 'bravo', 'charlie', 'delta']);
    expect(await names('-name')).toEqual(['delta', 'charlie', 'bravo', 'Alpha']);
    expect(await names('created_at')).toEqual(['delta', 'Alpha', 'charlie', 'bravo']);
    expect(await names('-created_at')).toEqual(['bravo', 'charlie', 'Alpha', 'delta']);
    const page = await h.http.get('/api/guests').query({ q: tag, limit: 1 }).set(h.staff.auth).expect(200);
    for (const query of [{ q: `${tag} a` }, { q: tag, sort: '-name' }, {}]) {
      expectProblem(
        await h.http
          .get('/api/guests')
          .query({ ...query, limit: 1, cursor: page.body.next_cursor })
          .set(h.staff.auth),
        400,
      );
    }
  });
});

describe('PATCH /api/guests/{id}', () => {
  it('the guest edits name, email and phone of their own profile; notes and the account link are the front desk’s (403)', async () => {
    const guest = await h.user('guest');
    const own = await h.guestProfile(guest);
    const res = await h.http
      .patch(`/api/guests/${own.id}`)
      .set(guest.auth)
      .send({ name: 'Ana Lima', email: null, phone: '+62 811 000 111' })
      .expect(200);
    expect(res.body).toMatchObject({
      name: 'Ana Lima',
      email: null,
      phone: '+62 811 000 111',
      user_id: guest.id,
    });
    expect(res.body).not.toHaveProperty('notes');
    for (const body of [{ notes: 'VIP' }, { user_id: null }, { name: 'X', notes: null }]) {
      expectProblem(await h.http.patch(`/api/guests/${own.id}`).set(guest.auth).send(body), 403);
    }
    const walkIn = await h.walkIn();
    expectProblem(await h.http.patch(`/api/guests/${walkIn.id}`).set(guest.auth).send({ name: 'Mine' }), 404);
    expect((await h.http.get(`/api/guests/${own.id}`).set(h.staff.auth)).body.notes).toBeNull();
  });

  it('staff link a walk-in to an account: its bookings move with it, each a new version in the audit trail', async () => {
    const walkIn = await h.walkIn({ notes: 'came in person' });
    const room = await h.room();
    const booked = await h
      .book(h.staff, { room_id: room.id, check_in: day(5), check_out: day(6), guest_id: walkIn.id })
      .expect(201);
    expect(booked.body.user_id).toBeNull();
    expect(await h.count('notifications', 'booking_id = $1', [booked.body.id])).toBe(0);

    const account = await h.user('guest');
    expectProblem(await h.http.get(`/api/bookings/${booked.body.id}`).set(account.auth), 404);
    const linked = await h.http
      .patch(`/api/guests/${walkIn.id}`)
      .set(h.staff.auth)
      .send({ user_id: account.id, notes: 'registered later' })
      .expect(200);
    expect(linked.body).toMatchObject({ user_id: account.id, notes: 'registered later' });
    const seen = await h.http.get(`/api/bookings/${booked.body.id}`).set(account.auth).expect(200);
    expect(seen.body.user_id).toBe(account.id);
    expect(seen.headers.etag).toBe('"v2"');
    const events = await h.http.get(`/api/bookings/${booked.body.id}/events`).set(account.auth).expect(200);
    expect(events.body.items.map((e: { action: string }) => e.action)).toEqual(['created', 'changed']);
    expect(events.body.items[1]).toMatchObject({
      actor_user_id: h.staff.id,
      changes: { user_id: { from: null, to: account.id } },
    });
    // That account now has this profile: linking another one to it is a conflict.
    const other = await h.walkIn();
    expectProblem(
      await h.http.patch(`/api/guests/${other.id}`).set(h.staff.auth).send({ user_id: account.id }),
      409,
    );
    // Unlinking takes the bookings away from the account again.
    await h.http.patch(`/api/guests/${walkIn.id}`).set(h.staff.auth).send({ user_id: null }).expect(200);
    expectProblem(await h.http.get(`/api/bookings/${booked.body.id}`).set(account.auth), 404);
  });

  it('rejects a phone with letters, an empty patch and unknown fields (400), and changes nothing', async () => {
    const walkIn = await h.walkIn({ phone: '+1 555 0100' });
    for (const body of [
      { phone: '+1 555 CALL' },
      {},
      { name: 'x', vip: true },
      { name: '   ' },
      { email: 'nope' },
    ]) {
      expectProblem(await h.http.patch(`/api/guests/${walkIn.id}`).set(h.staff.auth).send(body), 400);
    }
    expect((await h.http.get(`/api/guests/${walkIn.id}`).set(h.staff.auth)).body).toEqual(walkIn);
  });
});
