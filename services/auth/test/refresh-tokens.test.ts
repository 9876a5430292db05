import { authHarnessForFile } from '../../../test/support/auth';
import { expectProblem } from '../../../test/support/problem';

const h = authHarnessForFile();

describe('refresh tokens', () => {
  it('rotates: the new pair works, the old refresh token stops working', async () => {
    const u = await h.user();
    const first = await h.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken }).expect(200);
    expect(first.body.refresh_token).not.toBe(u.refreshToken);
    await h.http.get('/api/auth/me').set('Authorization', `Bearer ${first.body.access_token}`).expect(200);
    const second = await h.http
      .post('/api/auth/refresh')
      .send({ refresh_token: first.body.refresh_token })
      .expect(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
  });

  it('reuse of a rotated token answers 401 and revokes the whole family', async () => {
    const u = await h.user();
    const rotated = await h.http
      .post('/api/auth/refresh')
      .send({ refresh_token: u.refreshToken })
      .expect(200);
    expectProblem(await h.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken }), 401);
    // The legitimate-looking newer token of the same family is now dead too.
    expectProblem(
      await h.http.post('/api/auth/refresh').send({ refresh_token: rotated.body.refresh_token }),
      401,
    );
    const [row] = await h.dataSource.query(
      'SELECT count(*) AS n FROM auth.refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL',
      [u.id],
    );
    expect(Number(row.n)).toBe(0);
  });

  it('rejects unknown tokens and stores only hashes', async () => {
    expectProblem(await h.http.post('/api/auth/refresh').send({ refresh_token: 'made-up-token' }), 401);
    const u = await h.user();
    const rows = await h.dataSource.query('SELECT token_hash FROM auth.refresh_tokens WHERE user_id = $1', [
      u.id,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).not.toContain(u.refreshToken);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects an expired refresh token', async () => {
    const u = await h.user();
    await h.dataSource.query(
      `UPDATE auth.refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [u.id],
    );
    expectProblem(await h.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken }), 401);
  });

  it("a login deletes the user's tokens expired more than a lifetime ago, and nobody else's", async () => {
    const u = await h.user();
    const other = await h.user();
    const ttlDays = 30; // REFRESH_TOKEN_TTL_DAYS's default
    const insertExpired = (userId: string, daysAgo: number) =>
      h.dataSource.query(
        `INSERT INTO auth.refresh_tokens (id, user_id, family_id, token_hash, expires_at, revoked_at)
         VALUES (gen_random_uuid(), $1, gen_random_uuid(), md5(random()::text) || md5(random()::text),
                 now() - make_interval(days => $2), now() - make_interval(days => $2))`,
        [userId, daysAgo],
      );
    for (const daysAgo of [ttlDays + 1, ttlDays + 90, 2]) await insertExpired(u.id, daysAgo);
    await insertExpired(other.id, ttlDays + 1);
    const expiredDays = async (userId: string) =>
      (
        await h.dataSource.query(
          `SELECT round(extract(epoch FROM now() - expires_at) / 86400)::int AS days
             FROM auth.refresh_tokens WHERE user_id = $1 AND expires_at < now() ORDER BY 1`,
          [userId],
        )
      ).map((r: { days: number }) => r.days);

    await h.http.post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200);

    // Gone: the two older than a lifetime past expiry. Kept: the recent one (reuse detection),
    // the live ones, and the other user's rows.
    expect(await expiredDays(u.id)).toEqual([2]);
    const live = await h.dataSource.query(
      'SELECT count(*)::int AS n FROM auth.refresh_tokens WHERE user_id = $1 AND expires_at > now()',
      [u.id],
    );
    expect(live[0].n).toBe(2);
    expect(await expiredDays(other.id)).toEqual([ttlDays + 1]);
    await h.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken }).expect(200);
  });

  it('logout revokes the token (204), and is idempotent', async () => {
    const u = await h.user();
    await h.http.post('/api/auth/logout').send({ refresh_token: u.refreshToken }).expect(204);
    await h.http.post('/api/auth/logout').send({ refresh_token: u.refreshToken }).expect(204);
    expectProblem(await h.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken }), 401);
  });
});
