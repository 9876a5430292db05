import { randomUUID } from 'node:crypto';
import { authHarnessForFile } from '../../../test/support/auth';
import { allPages } from '../../../test/support/pages';
import { expectProblem } from '../../../test/support/problem';

const h = authHarnessForFile();

interface UserEvent {
  id: string;
  user_id: string;
  action: string;
  actor_user_id: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
  at: string;
}

const trail = async (
  admin: { auth: Record<string, string> },
  id: string,
  query: Record<string, string | number> = {},
) =>
  (await h.http.get(`/api/users/${id}/events`).query(query).set(admin.auth).expect(200)).body
    .items as UserEvent[];

describe('GET /api/users/{id}/events: the account audit trail', () => {
  it('records every account change with its actor, in the transaction of the change; a password change shows no values', async () => {
    const admin = await h.user('admin');
    const guest = await h.user('guest');
    await h.http.patch(`/api/users/${guest.id}`).set(guest.auth).send({ name: 'Renamed Guest' }).expect(200);
    await h.http
      .patch(`/api/users/${guest.id}`)
      .set(guest.auth)
      .send({ password: 'a-new-password', current_password: guest.password })
      .expect(200);
    await h.http.patch(`/api/users/${guest.id}`).set(admin.auth).send({ role: 'staff' }).expect(200);
    // Nothing changed, nothing recorded.
    await h.http.patch(`/api/users/${guest.id}`).set(admin.auth).send({ role: 'staff' }).expect(200);

    const events = await trail(admin, guest.id);
    expect(events.map((e) => [e.action, e.actor_user_id])).toEqual([
      ['created', guest.id],
      ['updated', guest.id],
      ['password_changed', guest.id],
      ['role_changed', admin.id],
    ]);
    expect(events[0]!.changes).toEqual({
      name: { from: null, to: expect.stringMatching(/^guest /) },
      email: { from: null, to: guest.email },
      role: { from: null, to: 'guest' },
    });
    expect(events[1]!.changes).toEqual({ name: { from: expect.any(String), to: 'Renamed Guest' } });
    expect(events[2]!.changes).toEqual({});
    expect(JSON.stringify(events)).not.toContain('a-new-password');
    expect(events[3]!.changes).toEqual({ role: { from: 'guest', to: 'staff' } });
    // Newest first on request.
    expect((await trail(admin, guest.id, { sort: '-at' })).map((e) => e.action)[0]).toBe('role_changed');
  });

  it("outlives the account: a deleted user's trail ends with its deletion; an id that never had an account is a 404", async () => {
    const admin = await h.user('admin');
    const gone = await h.user('guest');
    await h.http.delete(`/api/users/${gone.id}`).set(admin.auth).expect(204);
    const events = await trail(admin, gone.id);
    expect(events.map((e) => [e.action, e.actor_user_id])).toEqual([
      ['created', gone.id],
      ['deleted', admin.id],
    ]);
    expectProblem(await h.http.get(`/api/users/${randomUUID()}/events`).set(admin.auth), 404);
  });

  it('is for admins only (401 without a token, 403 for staff and guests, even their own)', async () => {
    const guest = await h.user('guest');
    const staff = await h.user('staff');
    expectProblem(await h.http.get(`/api/users/${guest.id}/events`), 401);
    expectProblem(await h.http.get(`/api/users/${guest.id}/events`).set(guest.auth), 403);
    expectProblem(await h.http.get(`/api/users/${guest.id}/events`).set(staff.auth), 403);
  });

  it('an account change that fails writes no event (the change and its event commit together)', async () => {
    const admin = await h.user('admin');
    const before = await trail(admin, admin.id);
    // Admins cannot change their own role: 409, and nothing recorded.
    expectProblem(await h.http.patch(`/api/users/${admin.id}`).set(admin.auth).send({ role: 'guest' }), 409);
    expectProblem(
      await h.http
        .patch(`/api/users/${admin.id}`)
        .set(admin.auth)
        .send({ password: 'another-password', current_password: 'wrong password' }),
      403,
    );
    expect(await trail(admin, admin.id)).toEqual(before);
  });

  it('pages with a cursor that belongs to its sort', async () => {
    const admin = await h.user('admin');
    const guest = await h.user('guest');
    for (const name of ['One', 'Two', 'Three']) {
      await h.http.patch(`/api/users/${guest.id}`).set(guest.auth).send({ name }).expect(200);
    }
    const all = await allPages((cursor) =>
      h.http
        .get(`/api/users/${guest.id}/events`)
        .query({ limit: 1, ...cursor })
        .set(admin.auth),
    );
    expect(all).toHaveLength(4);
    const first = await h.http.get(`/api/users/${guest.id}/events`).query({ limit: 1 }).set(admin.auth);
    expectProblem(
      await h.http
        .get(`/api/users/${guest.id}/events`)
        .query({ limit: 1, sort: '-at', cursor: first.body.next_cursor })
        .set(admin.auth),
      400,
    );
  });
});
