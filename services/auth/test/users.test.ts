import { authHarnessForFile } from '../../../test/support/auth';
import { allPages } from '../../../test/support/pages';
import { expectProblem } from '../../../test/support/problem';

const h = authHarnessForFile();

describe('/api/users', () => {
  it('lists users for admins only, paginated by cursor and filtered', async () => {
    const admin = await h.user('admin');
    const guest = await h.user('guest');
    const staff = await h.user('staff');
    expectProblem(await h.http.get('/api/users').set(guest.auth), 403);
    expectProblem(await h.http.get('/api/users').set(staff.auth), 403);
    expectProblem(await h.http.get('/api/users'), 401);

    const seen = (
      await allPages(
        (cursor) =>
          h.http
            .get('/api/users')
            .query({ limit: 2, ...cursor })
            .set(admin.auth),
        (page) => expect(page.items.length).toBeLessThanOrEqual(2),
      )
    ).map((u) => u.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(await h.countUsers());

    const staffOnly = await h.http
      .get('/api/users')
      .query({ role: 'staff', limit: 100 })
      .set(admin.auth)
      .expect(200);
    expect(staffOnly.body.items.every((u: { role: string }) => u.role === 'staff')).toBe(true);
    expect(staffOnly.body.items.map((u: { id: string }) => u.id)).toContain(staff.id);
    const byEmail = await h.http
      .get('/api/users')
      .query({ email: guest.email.toUpperCase() })
      .set(admin.auth)
      .expect(200);
    expect(byEmail.body.items.map((u: { id: string }) => u.id)).toEqual([guest.id]);
    const wildcard = await h.http.get('/api/users').query({ email: '%' }).set(admin.auth).expect(200);
    expect(wildcard.body.items).toEqual([]);
  });

  it('pages through users created in the same millisecond without skipping or repeating one', async () => {
    const admin = await h.user('admin');
    // created_at differs only in microseconds: a millisecond cursor would skip the last two.
    const created: string[] = [];
    for (const micros of ['100', '400', '700']) {
      const [row] = await h.dataSource.query(
        `INSERT INTO auth.users (name, email, role, password_hash, created_at)
         VALUES ($1, $2, 'guest', 'not-a-hash', $3::timestamptz) RETURNING id`,
        [`Same ms ${micros}`, `same-ms-${micros}@example.com`, `2030-01-01T00:00:00.123${micros}Z`],
      );
      created.unshift(row.id as string); // newest first
    }
    const seen = (
      await allPages((cursor) =>
        h.http
          .get('/api/users')
          .query({ email: 'same-ms-', limit: 1, ...cursor })
          .set(admin.auth),
      )
    ).map((u) => u.id);
    expect(seen).toEqual(created);
  });

  it('sorts by email, name or creation, each direction, stably across pages; a cursor belongs to its sort and filters', async () => {
    const admin = await h.user('admin');
    const tag = `sort${Date.now()}`;
    for (const name of ['bravo', 'Alpha', 'charlie', 'alpha']) {
      await h.http
        .post('/api/auth/register')
        .send({
          name,
          email: `${tag}.${name.toLowerCase()}${name === 'Alpha' ? 'z' : ''}@example.com`,
          password: 'password123',
        })
        .expect(201);
    }
    const names = async (sort: string) =>
      (
        await allPages<{ name: string; email: string }>((cursor) =>
          h.http
            .get('/api/users')
            .query({ email: tag, sort, limit: 1, ...cursor })
            .set(admin.auth),
        )
      ).map((u) => u.email.split('@')[0]!.split('.')[1]);
    expect(await names('email')).toEqual(['alpha', 'alphaz', 'bravo', 'charlie']);
    expect(await names('-email')).toEqual(['charlie', 'bravo', 'alphaz', 'alpha']);
    // Case-insensitive by name, ties by id (alpha and Alpha are both 'alpha').
    expect((await names('name')).slice(2)).toEqual(['bravo', 'charlie']);
    expect(await names('-created_at')).toEqual(['alpha', 'charlie', 'alphaz', 'bravo']);
    expect(await names('created_at')).toEqual(['bravo', 'alphaz', 'charlie', 'alpha']);

    const page = await h.http
      .get('/api/users')
      .query({ email: tag, sort: 'email', limit: 1 })
      .set(admin.auth);
    for (const query of [
      { email: tag, sort: 'name' },
      { email: tag, sort: '-email' },
      { email: `${tag}.a`, sort: 'email' },
      { sort: 'email' },
    ]) {
      expectProblem(
        await h.http
          .get('/api/users')
          .query({ ...query, limit: 1, cursor: page.body.next_cursor })
          .set(admin.auth),
        400,
      );
    }
  });

  it('rejects bad list parameters', async () => {
    const admin = await h.user('admin');
    expectProblem(await h.http.get('/api/users').query({ limit: 500 }).set(admin.auth), 400);
    expectProblem(await h.http.get('/api/users').query({ limit: 0 }).set(admin.auth), 400);
    expectProblem(await h.http.get('/api/users').query({ cursor: 'forged' }).set(admin.auth), 400);
    expectProblem(await h.http.get('/api/users').query({ role: 'king' }).set(admin.auth), 400);
    expectProblem(await h.http.get('/api/users').query({ unknown: 'x' }).set(admin.auth), 400);
  });

  it('shows a user to themself and to admins; others get 404', async () => {
    const a = await h.user();
    const b = await h.user();
    const admin = await h.user('admin');
    await h.http.get(`/api/users/${a.id}`).set(a.auth).expect(200);
    await h.http.get(`/api/users/${a.id}`).set(admin.auth).expect(200);
    expectProblem(await h.http.get(`/api/users/${a.id}`).set(b.auth), 404);
    expectProblem(await h.http.get('/api/users/00000000-0000-4000-8000-000000000000').set(admin.auth), 404);
    expectProblem(await h.http.get('/api/users/not-a-uuid').set(admin.auth), 400);
  });

  it('lets users rename themselves and change their password with the current one', async () => {
    const u = await h.user();
    const renamed = await h.http
      .patch(`/api/users/${u.id}`)
      .set(u.auth)
      .send({ name: 'New Name' })
      .expect(200);
    expect(renamed.body.name).toBe('New Name');
    expectProblem(
      await h.http.patch(`/api/users/${u.id}`).set(u.auth).send({ password: 'another-password' }),
      400,
    );
    expectProblem(
      await h.http
        .patch(`/api/users/${u.id}`)
        .set(u.auth)
        .send({ password: 'another-password', current_password: 'wrong' }),
      403,
    );
    await h.http
      .patch(`/api/users/${u.id}`)
      .set(u.auth)
      .send({ password: 'another-password', current_password: u.password })
      .expect(200);
    expectProblem(await h.http.post('/api/auth/login').send({ email: u.email, password: u.password }), 401);
    await h.http.post('/api/auth/login').send({ email: u.email, password: 'another-password' }).expect(200);
    // Sessions from before the password change are gone.
    expectProblem(await h.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken }), 401);
    expectProblem(await h.http.patch(`/api/users/${u.id}`).set(u.auth).send({}), 400);
  });

  it('lets only admins change roles, never their own', async () => {
    const guest = await h.user();
    const other = await h.user();
    const admin = await h.user('admin');
    expectProblem(await h.http.patch(`/api/users/${guest.id}`).set(guest.auth).send({ role: 'admin' }), 403);
    expectProblem(await h.http.patch(`/api/users/${other.id}`).set(guest.auth).send({ name: 'hijack' }), 404);
    const promoted = await h.http
      .patch(`/api/users/${guest.id}`)
      .set(admin.auth)
      .send({ role: 'staff' })
      .expect(200);
    expect(promoted.body.role).toBe('staff');
    expectProblem(await h.http.patch(`/api/users/${admin.id}`).set(admin.auth).send({ role: 'guest' }), 409);
    expectProblem(
      await h.http
        .patch(`/api/users/${other.id}`)
        .set(admin.auth)
        .send({ password: 'x-password', current_password: 'whatever' }),
      403,
    );
  });

  it('deletes users (admin only) and their sessions', async () => {
    const admin = await h.user('admin');
    const guest = await h.user();
    const target = await h.user();
    expectProblem(await h.http.delete(`/api/users/${target.id}`).set(guest.auth), 403);
    expectProblem(await h.http.delete(`/api/users/${admin.id}`).set(admin.auth), 409);
    await h.http.delete(`/api/users/${target.id}`).set(admin.auth).expect(204);
    expectProblem(await h.http.delete(`/api/users/${target.id}`).set(admin.auth), 404);
    expectProblem(await h.http.post('/api/auth/refresh').send({ refresh_token: target.refreshToken }), 401);
  });
});
