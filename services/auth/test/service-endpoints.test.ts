import { authHarnessForFile } from '../../../test/support/auth';
import { expectProblem } from '../../../test/support/problem';

const h = authHarnessForFile();

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
