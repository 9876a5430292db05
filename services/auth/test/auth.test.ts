import { startAuthForTest, testAudience, testIssuer, type AuthHarness } from '../../../test/support/auth';
import { expectProblem } from '../../../test/support/problem';
import { tamperedTokens } from '../../../test/support/tokens';

let h: AuthHarness;
beforeAll(async () => {
  h = await startAuthForTest({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_CLIENT: '1000' });
});
afterAll(() => h.close());

const countUsers = async () =>
  Number((await h.dataSource.query('SELECT count(*) AS n FROM auth.users'))[0].n);

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
    const before = await countUsers();
    const res = await h.http
      .post('/api/auth/register')
      .send({ name: 'B2', email: 'DUP@example.COM', password: 'password123' });
    expectProblem(res, 409);
    expect(await countUsers()).toBe(before);
  });

  it.each([
    ['weak password', { name: 'x', email: 'w@example.com', password: 'short' }],
    ['bad email', { name: 'x', email: 'not-an-email', password: 'password123' }],
    ['missing name', { email: 'm@example.com', password: 'password123' }],
    ['blank name', { name: '   ', email: 'n@example.com', password: 'password123' }],
    ['unknown field', { name: 'x', email: 'u@example.com', password: 'password123', role: 'admin' }],
    ['number as string type', { name: 5, email: 'v@example.com', password: 'password123' }],
  ])('answers 400 problem+json for %s and writes nothing', async (_case, body) => {
    const before = await countUsers();
    const problem = expectProblem(await h.http.post('/api/auth/register').send(body), 400);
    expect(problem.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ message: expect.any(String) })]),
    );
    expect(await countUsers()).toBe(before);
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

describe('POST /api/auth/login', () => {
  it('returns a token pair whose access token carries the pinned claims', async () => {
    await h.http
      .post('/api/auth/register')
      .send({ name: 'L', email: 'login@example.com', password: 'password123' })
      .expect(201);
    const res = await h.http
      .post('/api/auth/login')
      .send({ email: 'LOGIN@example.com', password: 'password123' })
      .expect(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
    });
    expect(res.headers['cache-control']).toBe('no-store');
    const [header, payload] = res.body.access_token
      .split('.')
      .slice(0, 2)
      .map((p: string) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toEqual({ alg: 'EdDSA', kid: h.keys.kid, typ: 'JWT' });
    expect(payload).toMatchObject({
      role: 'guest',
      iss: testIssuer,
      aud: testAudience,
      sub: expect.any(String),
      jti: expect.any(String),
    });
    expect(payload.exp - payload.iat).toBe(900);
  });

  it('answers the same 401 for an unknown email and a wrong password', async () => {
    await h.http
      .post('/api/auth/register')
      .send({ name: 'S', email: 'same@example.com', password: 'password123' })
      .expect(201);
    const wrong = expectProblem(
      await h.http.post('/api/auth/login').send({ email: 'same@example.com', password: 'nope-nope' }),
      401,
    );
    const unknown = expectProblem(
      await h.http.post('/api/auth/login').send({ email: 'ghost@example.com', password: 'nope-nope' }),
      401,
    );
    const strip = ({ request_id: _r, ...rest }: Record<string, unknown>) => rest;
    expect(strip(wrong)).toEqual(strip(unknown));
  });

  it('rate-limits repeated failures per account with 429 and Retry-After, counting only failures', async () => {
    await h.http
      .post('/api/auth/register')
      .send({ name: 'R', email: 'rate@example.com', password: 'password123' })
      .expect(201);
    await h.http
      .post('/api/auth/login')
      .send({ email: 'rate@example.com', password: 'password123' })
      .expect(200);
    for (let i = 0; i < 3; i++) {
      expectProblem(
        await h.http.post('/api/auth/login').send({ email: 'rate@example.com', password: 'wrong-password' }),
        401,
      );
    }
    const limited = await h.http
      .post('/api/auth/login')
      .send({ email: 'rate@example.com', password: 'password123' });
    expectProblem(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another account from the same client is unaffected.
    await h.http
      .post('/api/auth/register')
      .send({ name: 'R2', email: 'rate2@example.com', password: 'password123' })
      .expect(201);
    await h.http
      .post('/api/auth/login')
      .send({ email: 'rate2@example.com', password: 'password123' })
      .expect(200);
  });
});

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

  it('logout revokes the token (204), and is idempotent', async () => {
    const u = await h.user();
    await h.http.post('/api/auth/logout').send({ refresh_token: u.refreshToken }).expect(204);
    await h.http.post('/api/auth/logout').send({ refresh_token: u.refreshToken }).expect(204);
    expectProblem(await h.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken }), 401);
  });
});

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

describe('/api/users', () => {
  it('lists users for admins only, paginated by cursor and filtered', async () => {
    const admin = await h.user('admin');
    const guest = await h.user('guest');
    const staff = await h.user('staff');
    expectProblem(await h.http.get('/api/users').set(guest.auth), 403);
    expectProblem(await h.http.get('/api/users').set(staff.auth), 403);
    expectProblem(await h.http.get('/api/users'), 401);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Array<{ id: string }>; next_cursor: string | null } } = await h.http
        .get('/api/users')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(admin.auth)
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((u) => u.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(await countUsers());

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
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Array<{ id: string }>; next_cursor: string | null } } = await h.http
        .get('/api/users')
        .query({ email: 'same-ms-', limit: 1, ...(cursor ? { cursor } : {}) })
        .set(admin.auth)
        .expect(200);
      seen.push(...res.body.items.map((u) => u.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(created);
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

describe('service endpoints', () => {
  it('publishes the Ed25519 public key as JWKS', async () => {
    const res = await h.http.get('/.well-known/jwks.json').expect(200);
    expect(res.body.keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: h.keys.kid, alg: 'EdDSA', use: 'sig' },
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/"d"/);
  });

  it('serves health, readiness and metrics by route template', async () => {
    await h.http.get('/healthz').expect(200);
    await h.http.get('/readyz').expect(200);
    const u = await h.user();
    await h.http.get(`/api/users/${u.id}`).set(u.auth).expect(200);
    const metrics = await h.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/api\/users\/:id"/);
    expect(metrics.text).not.toContain(u.id);
  });

  it('honours and returns X-Request-Id', async () => {
    const res = await h.http.get('/healthz').set('X-Request-Id', 'abc-123').expect(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
    const generated = await h.http.get('/healthz').set('X-Request-Id', 'bad id with spaces');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes and methods with problem+json', async () => {
    expectProblem(await h.http.get('/api/nope'), 404);
    expect([404, 405]).toContain(
      expectProblem(await h.http.put('/api/auth/me'), (await h.http.put('/api/auth/me')).status).status,
    );
  });

  it('sets security headers', async () => {
    const res = await h.http.get('/healthz');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

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
