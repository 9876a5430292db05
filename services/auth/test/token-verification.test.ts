import { authHarnessForFile } from '../../../test/support/auth';
import { expectProblem } from '../../../test/support/problem';
import { tamperedTokens } from '../../../test/support/tokens';

const h = authHarnessForFile();

describe('GET /api/auth/me and token verification', () => {
  it('returns the caller', async () => {
    const u = await h.user();
    const res = await h.http.get('/api/auth/me').set(u.auth).expect(200);
    expect(res.body).toMatchObject({ id: u.id, email: u.email, role: 'guest' });
  });

  it('requires a token', async () => {
    const res = await h.http.get('/api/auth/me');
    expectProblem(res, 401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('rejects tampered tokens', async () => {
    const u = await h.user();
    const tokens = await tamperedTokens(h.keys, u.id, u.accessToken);
    for (const [name, token] of Object.entries(tokens)) {
      const res = await h.http.get('/api/users').set('Authorization', `Bearer ${token}`);
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expectProblem(res, 401);
    }
  });

  it("rejects a deleted user's token; a demoted user's token loses its role at once", async () => {
    const admin = await h.user('admin');
    const victim = await h.user('admin');
    await h.http.patch(`/api/users/${victim.id}`).set(admin.auth).send({ role: 'guest' }).expect(200);
    expectProblem(await h.http.get('/api/users').set(victim.auth), 403);
    await h.http.delete(`/api/users/${victim.id}`).set(admin.auth).expect(204);
    expectProblem(await h.http.get('/api/auth/me').set(victim.auth), 401);
  });
});
