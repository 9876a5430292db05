import { connect, createServer } from 'node:net';
import { ConfigError } from '@myhotel/common';
import { freePort } from '../../../tooling/free-port';
import { migrateHotel } from '../src/cli/migrate';
import { demoRooms, seedDemo } from '../src/cli/seed-demo';
import { loadHotelConfig } from '../src/config';
import { startHotelForTest, type HotelHarness } from '../../../test/support/hotel';
import { expectProblem } from '../../../test/support/problem';

let h: HotelHarness;
beforeAll(async () => {
  h = await startHotelForTest();
});
afterAll(() => h.close());

describe('operations', () => {
  it('migrations are idempotent and concurrent runs are safe', async () => {
    const runs = await Promise.all([migrateHotel(h.env), migrateHotel(h.env)]);
    expect(runs).toEqual([[], []]);
  });

  it('migrate waits for a database that is not reachable yet (a fresh install), then migrates', async () => {
    const url = new URL(h.env.DATABASE_URL!);
    const target = { host: url.hostname, port: Number(url.port) };
    url.port = String(await freePort());
    // the database "comes up" 1.5 s later: a relay to the real one starts listening on that port
    const relay = createServer((client) => {
      const upstream = connect(target);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    const late = setTimeout(() => relay.listen(Number(url.port), '127.0.0.1'), 1500);
    const waits: number[] = [];
    try {
      const applied = await migrateHotel(
        { ...h.env, DATABASE_URL: url.toString() },
        { waitForDatabaseMs: 20_000, onWait: (_err, attempt) => waits.push(attempt) },
      );
      expect(applied).toEqual([]);
      expect(waits.length).toBeGreaterThan(0);
    } finally {
      clearTimeout(late);
      relay.close();
    }
  });

  it('migrate does not wait out errors other than an unavailable database (a wrong password)', async () => {
    const url = new URL(h.env.DATABASE_URL!);
    url.password = 'not-the-password';
    const waits: number[] = [];
    await expect(
      migrateHotel(
        { ...h.env, DATABASE_URL: url.toString() },
        { waitForDatabaseMs: 20_000, onWait: (_err, attempt) => waits.push(attempt) },
      ),
    ).rejects.toThrow(/password/);
    expect(waits).toEqual([]);
  });

  it('seeds the demo rooms once (idempotent, also when called concurrently)', async () => {
    const inserted = await Promise.all([seedDemo(h.env), seedDemo(h.env)]);
    expect(inserted.sort()).toEqual([0, demoRooms.length]);
    expect(await seedDemo(h.env)).toBe(0);
    const res = await h.http.get('/api/rooms').set(h.staff.auth).query({ limit: 100 }).expect(200);
    expect(res.body.items).toHaveLength(demoRooms.length);
    const types = new Set(res.body.items.map((r: { type: string }) => r.type));
    expect(types).toEqual(new Set(['single', 'double', 'twin', 'family', 'suite']));
    expect(res.body.items.filter((r: { status: string }) => r.status === 'maintenance')).toHaveLength(1);
  });

  it('serves health, readiness and metrics', async () => {
    await h.http.get('/healthz').expect(200);
    await h.http.get('/readyz').expect(200);
    await h.http.get('/api/rooms').expect(200);
    const metrics = await h.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/api\/rooms"/);
  });

  it('answers unknown routes and bad tokens with problem+json', async () => {
    expectProblem(await h.http.get('/api/nope'), 404);
    expectProblem(await h.http.get('/api/bookings').set('Authorization', 'Bearer a.b.c'), 401);
    expectProblem(
      await h.http.post('/api/bookings').set(h.staff.auth).set('Content-Type', 'text/plain').send('x'),
      415,
    );
  });

  it('names the variable of a bad configuration', () => {
    expect(() => loadHotelConfig({ ...h.env, JWKS_URL: 'not a url' })).toThrow(ConfigError);
    expect(() => loadHotelConfig({ ...h.env, JWKS_URL: undefined })).toThrow(/JWKS_URL/);
  });
});
