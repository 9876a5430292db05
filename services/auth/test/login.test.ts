import { authHarnessForFile, testAudience, testIssuer } from '../../../test/support/auth';
import { expectProblem } from '../../../test/support/problem';

const h = authHarnessForFile({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_CLIENT: '1000' });

describe('POST /api/auth/login', () => {
  it('returns a token pair whose access token carries the pinned claims and the profile claims', async () => {
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
      // OpenID Connect's names for the account's profile: hotel makes the guest profile from them.
      name: 'L',
      email: 'login@example.com',
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
    const account = await h.user(); // registered, and one successful login
    for (let i = 0; i < 3; i++) {
      expectProblem(
        await h.http.post('/api/auth/login').send({ email: account.email, password: 'wrong-password' }),
        401,
      );
    }
    const limited = await h.http
      .post('/api/auth/login')
      .send({ email: account.email, password: account.password });
    expectProblem(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another account from the same client is unaffected (h.user logs it in).
    await h.user();
  });
});
