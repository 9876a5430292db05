import { authHarnessForFile } from '../../../test/support/auth';

// A pool of two connections: more concurrent refreshes than connections.
const h = authHarnessForFile({ DB_POOL_MAX: '2' });

describe('refresh under concurrency', () => {
  it('more concurrent refreshes than pooled connections all rotate (no statement waits on a second connection)', async () => {
    const users = [];
    for (let i = 0; i < 6; i++) users.push(await h.user());
    const answers = await Promise.all(
      users.map((u) => h.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken })),
    );
    expect(answers.map((res) => res.status)).toEqual(users.map(() => 200));
  }, 20_000);
});
