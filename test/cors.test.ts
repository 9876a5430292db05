/**
 * CORS: browser front ends on the configured origins may call both services (real
 * preflights answered with the methods and headers they need, responses readable with the
 * headers they need); any other origin gets no CORS header at all; with no origins
 * configured, a preflight is the 405 of any undocumented method.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { ConfigError } from '@myhotel/common';
import { loadHotelConfig } from '@myhotel/hotel';
import { freePort } from '../tooling/free-port';
import { startAuthForTest } from './support/auth';
import { describeWithBrowser, renderedDom } from './support/browser';
import { startHotelForTest, type HotelHarness } from './support/hotel';

const frontEnd = 'https://frontdesk.example.com';
let hotel: HotelHarness;

beforeAll(async () => {
  hotel = await startHotelForTest({ env: { CORS_ALLOWED_ORIGINS: `${frontEnd}, http://localhost:5173` } });
});
afterAll(() => hotel?.close());

const preflight = (
  http: HotelHarness['http'],
  path: string,
  origin: string,
  method: string,
  headers: string,
) =>
  http
    .options(path)
    .set('Origin', origin)
    .set('Access-Control-Request-Method', method)
    .set('Access-Control-Request-Headers', headers);

test('an allowed origin gets its preflight answered with the methods and headers a front end sends', async () => {
  const res = await preflight(
    hotel.http,
    '/api/bookings',
    frontEnd,
    'POST',
    'authorization,content-type,idempotency-key',
  );
  expect(res.status).toBe(204);
  expect(res.headers['access-control-allow-origin']).toBe(frontEnd);
  expect(res.headers['access-control-allow-methods']?.split(',')).toEqual(
    expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE']),
  );
  expect(res.headers['access-control-allow-headers']?.toLowerCase().split(',')).toEqual(
    expect.arrayContaining(['authorization', 'content-type', 'idempotency-key', 'if-match']),
  );
  expect(res.headers['access-control-max-age']).toBe('600');
  expect(res.headers.vary).toMatch(/Origin/);
});

test('an allowed origin may read the response and the headers it needs', async () => {
  const room = await hotel.room();
  const res = await hotel.http.get(`/api/rooms/${room.id}`).set('Origin', 'http://localhost:5173');
  expect(res.status).toBe(200);
  expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  expect(res.headers['access-control-expose-headers']?.split(',')).toEqual(
    expect.arrayContaining(['ETag', 'X-Request-Id', 'Idempotent-Replayed', 'Retry-After', 'Location']),
  );
});

test('another origin gets no CORS headers, for preflights and requests alike', async () => {
  const pre = await preflight(hotel.http, '/api/bookings', 'https://evil.example', 'POST', 'authorization');
  expect(pre.headers['access-control-allow-origin']).toBeUndefined();
  expect(pre.headers['access-control-allow-methods']).toBeUndefined();
  const res = await hotel.http.get('/api/rooms').set('Origin', 'https://frontdesk.example.com.evil.example');
  expect(res.status).toBe(200);
  expect(res.headers['access-control-allow-origin']).toBeUndefined();
});

test('auth follows the same policy (one kit)', async () => {
  const auth = await startAuthForTest({ CORS_ALLOWED_ORIGINS: frontEnd });
  try {
    const pre = await preflight(auth.http, '/api/auth/login', frontEnd, 'POST', 'content-type');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(frontEnd);
  } finally {
    await auth.close();
  }
});

test('with no origins configured (the default), a preflight is a 405 without CORS headers', async () => {
  const pre = await preflight(hotel.auth.http, '/api/auth/login', frontEnd, 'POST', 'content-type');
  expect(pre.status).toBe(405);
  expect(pre.headers['access-control-allow-origin']).toBeUndefined();
});

test('CORS_ALLOWED_ORIGINS that is not a list of origins stops the service at start-up, naming the variable', () => {
  const env = { ...hotel.env, CORS_ALLOWED_ORIGINS: 'https://ok.example, https://app.example.com/path' };
  expect(() => loadHotelConfig(env)).toThrow(ConfigError);
  expect(() => loadHotelConfig(env)).toThrow(
    /CORS_ALLOWED_ORIGINS: "https:\/\/app.example.com\/path" is not an origin/,
  );
});

describeWithBrowser('a real browser (headless Chromium) calling the API from another origin', () => {
  jest.setTimeout(120_000);
  const servers: Server[] = [];
  const listen = (handler: RequestListener, port = 0) =>
    new Promise<number>((resolve) => {
      const server = createServer(handler).listen(port, '127.0.0.1', () =>
        resolve((server.address() as { port: number }).port),
      );
      servers.push(server);
    });
  afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

  /** A front end on its own origin whose script POSTs a booking with a token (so it preflights). */
  async function frontEndCalling(apiBase: string, port = 0): Promise<string> {
    const script = `fetch(${JSON.stringify(`${apiBase}/api/bookings`)}, {
        method: 'POST',
        headers: { Authorization: 'Bearer not-a-token', 'Content-Type': 'application/json', 'Idempotency-Key': 'k1' },
        body: '{}',
      })
      .then((res) => 'status ' + res.status + ', request id ' + (res.headers.get('X-Request-Id') ? 'readable' : 'hidden'))
      .catch(() => 'blocked by the browser')
      .then((text) => { document.getElementById('result').textContent = text; });`;
    const frontPort = await listen((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<!doctype html><p id="result">pending</p><script>${script}</script>`);
    }, port);
    return `http://127.0.0.1:${frontPort}/`;
  }

  test('an allowed origin: preflight passes, the answer (a 401 problem) and its headers are readable', async () => {
    const frontPort = await freePort();
    const api = await startHotelForTest({ env: { CORS_ALLOWED_ORIGINS: `http://127.0.0.1:${frontPort}` } });
    try {
      const apiPort = await listen(api.app);
      const page = await frontEndCalling(`http://127.0.0.1:${apiPort}`, frontPort);
      expect(await renderedDom(page)).toContain('status 401, request id readable');
    } finally {
      await api.close();
    }
  });

  test('an origin that is not listed is blocked by the browser', async () => {
    const apiPort = await listen(hotel.app); // allows https://frontdesk.example.com, not this page
    const page = await frontEndCalling(`http://127.0.0.1:${apiPort}`);
    expect(await renderedDom(page)).toContain('blocked by the browser');
  });
});
