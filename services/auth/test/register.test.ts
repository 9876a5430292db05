import { authHarnessForFile } from '../../../test/support/auth';
import { expectProblem } from '../../../test/support/problem';

const h = authHarnessForFile();

describe('POST /api/auth/register', () => {
  it('creates a guest and never returns the hash', async () => {
    const res = await h.http
      .post('/api/auth/register')
      .send({ name: 'Ana', email: 'Ana@Example.com', password: 'password123' })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Ana',
      email: 'ana@example.com',
      role: 'guest',
      created_at: expect.any(String),
    });
    expect(res.headers.location).toBe(`/api/users/${res.body.id}`);
    const [row] = await h.dataSource.query('SELECT password_hash FROM auth.users WHERE id = $1', [
      res.body.id,
    ]);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('rejects a duplicate email case-insensitively with 409', async () => {
    await h.http
      .post('/api/auth/register')
      .send({ name: 'B', email: 'dup@example.com', password: 'password123' })
      .expect(201);
    const before = await h.countUsers();
    const res = await h.http
      .post('/api/auth/register')
      .send({ name: 'B2', email: 'DUP@example.COM', password: 'password123' });
    expectProblem(res, 409);
    expect(await h.countUsers()).toBe(before);
  });

  it.each([
    ['weak password', { name: 'x', email: 'w@example.com', password: 'short' }],
    ['bad email', { name: 'x', email: 'not-an-email', password: 'password123' }],
    ['missing name', { email: 'm@example.com', password: 'password123' }],
    ['blank name', { name: '   ', email: 'n@example.com', password: 'password123' }],
    ['unknown field', { name: 'x', email: 'u@example.com', password: 'password123', role: 'admin' }],
    ['number as string type', { name: 5, email: 'v@example.com', password: 'password123' }],
  ])('answers 400 problem+json for %s and writes nothing', async (_case, body) => {
    const before = await h.countUsers();
    const problem = expectProblem(await h.http.post('/api/auth/register').send(body), 400);
    expect(problem.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ message: expect.any(String) })]),
    );
    expect(await h.countUsers()).toBe(before);
  });

  it('rejects malformed JSON, wrong content type and oversized bodies', async () => {
    expectProblem(
      await h.http.post('/api/auth/register').set('Content-Type', 'application/json').send('{"name":'),
      400,
    );
    expectProblem(
      await h.http.post('/api/auth/register').set('Content-Type', 'text/plain').send('hello'),
      415,
    );
    const huge = { name: 'x', email: 'big@example.com', password: 'p'.repeat(200_000) };
    expectProblem(await h.http.post('/api/auth/register').send(huge), 413);
  });
});
