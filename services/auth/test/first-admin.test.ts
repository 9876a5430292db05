import { authHarnessForFile } from '../../../test/support/auth';

const h = authHarnessForFile();

describe('first admin', () => {
  it('is created once from configuration', async () => {
    const input = { email: 'root@example.com', password: 'a-long-admin-password', name: 'Root' };
    expect(await h.users.ensureAdmin(input)).toBe(true);
    expect(await h.users.ensureAdmin(input)).toBe(false);
    const login = await h.http
      .post('/api/auth/login')
      .send({ email: input.email, password: input.password })
      .expect(200);
    const me = await h.http
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${login.body.access_token}`)
      .expect(200);
    expect(me.body.role).toBe('admin');
  });
});
