/**
 * Fault: PostgreSQL stops while reads and writes flow, then starts again (same data, same
 * port); then PostgreSQL freezes (SIGSTOP: accepts TCP, answers nothing) and thaws.
 * While it is down, every operation of both specs that documents 503 is called once.
 * Real processes: auth + hotel as child processes, an embedded PostgreSQL of this test.
 */
import { randomUUID } from 'node:crypto';
import { documentedOperations } from '../support/status-coverage';
import {
  call,
  isUnavailableProblem,
  type Answer,
  tallyOutcomes,
  unexpectedOutcomes,
} from '../support/http-client';
import { createRooms, existingBookings, orphanCounts, runLoops, slotBooking } from '../support/booking-load';
import { killAllNodeProcesses } from '../../tooling/node-process';
import { signalPostgres, startOwnPostgres, type OwnPostgres } from '../support/own-postgres';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnService, type ServiceProcess } from '../support/processes';
import { tokenSigner } from '../support/tokens';
import { pollUntil } from '../../tooling/readiness';
import { day, migrateAll } from '../support/hotel';
import { newSigningKeyPem } from '../support/auth';

jest.setTimeout(90_000);

let pg: OwnPostgres | undefined;
let auth: ServiceProcess;
let hotel: ServiceProcess;

beforeAll(async () => {
  pg = await startOwnPostgres();
  const privateKey = newSigningKeyPem();
  await migrateAll(pg.db, privateKey);
  // Bounded database waits: a pool slot or a new connection within 2 s, a statement within
  // 2 s (server side) and its answer within 3 s (client side, query_timeout): < 6 s in all.
  const dbEnv = { DB_CONNECT_TIMEOUT_MS: '2000', DB_STATEMENT_TIMEOUT_MS: '2000', DB_POOL_MAX: '5' };
  [auth, hotel] = await (async () => {
    const a = await spawnService('auth', {
      ...dbEnv,
      DATABASE_URL: pg!.db.urlFor('auth'),
      JWT_PRIVATE_KEY: privateKey,
    });
    const h = await spawnService('hotel', {
      ...dbEnv,
      DATABASE_URL: pg!.db.urlFor('hotel'),
      JWKS_URL: `${a.base}/.well-known/jwks.json`,
    });
    return [a, h];
  })();
  signer = await tokenSigner(privateKey);
});

let frozen = false;

afterAll(async () => {
  if (frozen && pg) signalPostgres(pg, 'SIGCONT');
  await killAllNodeProcesses();
  await pg?.destroy();
});

let signer: Awaited<ReturnType<typeof tokenSigner>>;

interface Sample extends Answer {
  kind: 'rooms' | 'availability' | 'booking';
  bookingId?: string;
}

const describeAnswer = (r: Answer) => `${r.method} ${r.path} → ${r.error ?? r.status} ${r.body}`;

interface OutageRequest {
  service: ServiceProcess;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** One spec-valid request per operation, as the role allowed to make it (ids need not exist). */
async function outageRequests(roomId: string): Promise<Record<string, OutageRequest>> {
  const id = randomUUID();
  const [guest, staff, admin] = await Promise.all([
    signer.bearer('guest'),
    signer.bearer('staff'),
    signer.bearer('admin'),
  ]);
  const requests: Record<string, OutageRequest> = {
    'POST /api/auth/register': {
      service: auth,
      path: '/api/auth/register',
      body: { name: 'Outage', email: `outage-${id}@example.com`, password: 'correct horse battery' },
    },
    'POST /api/auth/login': {
      service: auth,
      path: '/api/auth/login',
      body: { email: 'outage@example.com', password: 'correct horse battery' },
    },
    'POST /api/auth/refresh': { service: auth, path: '/api/auth/refresh', body: { refresh_token: id } },
    'POST /api/auth/logout': { service: auth, path: '/api/auth/logout', body: { refresh_token: id } },
    'GET /api/auth/me': { service: auth, path: '/api/auth/me', headers: guest },
    'GET /api/users': { service: auth, path: '/api/users', headers: admin },
    'GET /api/users/{id}': { service: auth, path: `/api/users/${id}`, headers: admin },
    'GET /api/users/{id}/events': { service: auth, path: `/api/users/${id}/events`, headers: admin },
    'PATCH /api/users/{id}': { service: auth, path: `/api/users/${id}`, headers: admin, body: { name: 'X' } },
    'DELETE /api/users/{id}': { service: auth, path: `/api/users/${id}`, headers: admin },
    'GET /api/rooms': { service: hotel, path: '/api/rooms' },
    'POST /api/rooms': {
      service: hotel,
      path: '/api/rooms',
      headers: admin,
      body: { number: `O-${id.slice(0, 8)}`, type: 'outage', capacity: 2, price_per_night: '80.00' },
    },
    'GET /api/rooms/{id}': { service: hotel, path: `/api/rooms/${roomId}` },
    'PATCH /api/rooms/{id}': {
      service: hotel,
      path: `/api/rooms/${roomId}`,
      headers: admin,
      body: { price_per_night: '90.00' },
    },
    'DELETE /api/rooms/{id}': { service: hotel, path: `/api/rooms/${roomId}`, headers: admin },
    'POST /api/rooms/{id}/housekeeping': {
      service: hotel,
      path: `/api/rooms/${roomId}/housekeeping`,
      headers: staff,
      body: { housekeeping: 'clean' },
    },
    'GET /api/guests': { service: hotel, path: '/api/guests?q=ana', headers: staff },
    'POST /api/guests': {
      service: hotel,
      path: '/api/guests',
      headers: staff,
      body: { name: 'Outage Walk-in' },
    },
    'GET /api/guests/me': { service: hotel, path: '/api/guests/me', headers: guest },
    'GET /api/guests/{id}': { service: hotel, path: `/api/guests/${id}`, headers: staff },
    'PATCH /api/guests/{id}': {
      service: hotel,
      path: `/api/guests/${id}`,
      headers: staff,
      body: { notes: 'x' },
    },
    'GET /api/availability': {
      service: hotel,
      path: `/api/availability?check_in=${day(3)}&check_out=${day(4)}`,
    },
    'GET /api/bookings': { service: hotel, path: '/api/bookings', headers: guest },
    'POST /api/bookings': {
      service: hotel,
      path: '/api/bookings',
      headers: guest,
      body: { room_id: roomId, check_in: day(300), check_out: day(301), guests: 1 },
    },
    'GET /api/bookings/{id}': { service: hotel, path: `/api/bookings/${id}`, headers: staff },
    'PATCH /api/bookings/{id}': {
      service: hotel,
      path: `/api/bookings/${id}`,
      headers: staff,
      body: { guests: 2 },
    },
    'GET /api/bookings/{id}/events': { service: hotel, path: `/api/bookings/${id}/events`, headers: staff },
    'GET /api/notifications': { service: hotel, path: '/api/notifications', headers: guest },
    'POST /api/notifications/{id}/read': {
      service: hotel,
      path: `/api/notifications/${id}/read`,
      headers: guest,
    },
  };
  const webhook = (path = '') => ({ service: hotel, path: `/api/webhooks/${id}${path}`, headers: admin });
  Object.assign(requests, {
    'GET /api/webhooks': { service: hotel, path: '/api/webhooks', headers: admin },
    'POST /api/webhooks': {
      service: hotel,
      path: '/api/webhooks',
      headers: admin,
      body: { url: 'https://hooks.example.com/outage' },
    },
    'GET /api/webhooks/{id}': webhook(),
    'PATCH /api/webhooks/{id}': { ...webhook(), body: { enabled: false } },
    'DELETE /api/webhooks/{id}': webhook(),
    'POST /api/webhooks/{id}/rotate-secret': webhook('/rotate-secret'),
    'GET /api/webhooks/{id}/deliveries': webhook('/deliveries'),
    'POST /api/webhooks/{id}/deliveries/{delivery_id}/retry': webhook(`/deliveries/${id}/retry`),
  } satisfies Record<string, OutageRequest>);
  for (const action of ['confirm', 'cancel', 'check-in', 'check-out', 'no-show']) {
    requests[`POST /api/bookings/{id}/${action}`] = {
      service: hotel,
      path: `/api/bookings/${id}/${action}`,
      headers: staff,
    };
  }
  return requests;
}

/** Sends one request to every operation whose spec documents 503. */
async function everyOperationDuringOutage(roomId: string): Promise<Answer[]> {
  const operations = documentedOperations().filter((op) => op.statuses.includes('503'));
  expect(operations.length).toBeGreaterThan(20);
  const requests = await outageRequests(roomId);
  const answers: Answer[] = [];
  for (const op of operations) {
    const request = requests[op.key];
    if (!request) throw new Error(`no outage request for ${op.key}: add one (it documents 503)`);
    answers.push(
      await call(request.service.base, op.method, request.path, {
        headers: request.headers,
        body: request.body,
        timeoutMs: 15_000,
      }),
    );
  }
  return answers;
}

describe('database outage while requests flow', () => {
  it('PostgreSQL stopped: answers 503 fast, stays alive, recovers within 5 s, and loses no acknowledged booking', async () => {
    const db = pg!.db;
    const staff = await signer.bearer('staff');
    const admin = await signer.bearer('admin');
    const roomIds = await createRooms(hotel, admin, 30);
    let slot = 0;

    // The client: 4 loops mixing room reads, availability searches and bookings (fresh slots).
    const load = runLoops(4, async (worker): Promise<Sample> => {
      const pick = (worker + slot) % 3;
      if (pick === 0 || worker === 0) {
        const body = slotBooking(roomIds, slot++);
        const res = await call(hotel.base, 'POST', '/api/bookings', {
          headers: staff,
          body,
          timeoutMs: 15_000,
        });
        const bookingId = res.status === 201 ? (JSON.parse(res.body) as { id: string }).id : undefined;
        return { ...res, kind: 'booking', bookingId };
      }
      if (pick === 1) {
        slot++;
        return {
          ...(await call(hotel.base, 'GET', '/api/rooms?limit=10', { timeoutMs: 15_000 })),
          kind: 'rooms',
        };
      }
      slot++;
      const nights = 1 + (slot % 3);
      const path = `/api/availability?check_in=${day(2)}&check_out=${day(2 + nights)}&guests=1`;
      return { ...(await call(hotel.base, 'GET', path, { timeoutMs: 15_000 })), kind: 'availability' };
    });

    // Probes: readiness and liveness every 100 ms on fresh connections.
    const probes: Array<Answer & { probe: 'readyz' | 'healthz' }> = [];
    const probeLoop = runLoops(1, async () => {
      const [ready, live] = await Promise.all([
        call(hotel.base, 'GET', '/readyz', { timeoutMs: 5000 }),
        call(hotel.base, 'GET', '/healthz', { timeoutMs: 5000 }),
      ]);
      probes.push({ ...ready, probe: 'readyz' }, { ...live, probe: 'healthz' });
      await sleep(100);
    });

    try {
      // Healthy traffic first.
      await pollUntil(
        '20 successful bookings',
        async () => (load.results.filter((r) => r.status === 201).length >= 20 ? true : undefined),
        20_000,
      );

      const stopAt = Date.now();
      await pg!.stop();
      const stoppedAt = Date.now();
      const notReady = await pollUntil(
        'readiness 503',
        async () => probes.find((p) => p.probe === 'readyz' && p.start >= stopAt && p.status === 503),
        10_000,
      );
      // Stay down long enough for every kind of request to meet the outage.
      await pollUntil(
        '503s for reads and writes during the outage',
        async () => {
          const during = load.results.filter((r) => r.start >= stoppedAt && isUnavailableProblem(r));
          return (['rooms', 'availability', 'booking'] as const).every((k) =>
            during.some((r) => r.kind === k),
          ) && Date.now() - stoppedAt > 2500
            ? true
            : undefined;
        },
        20_000,
      );

      // Every operation that needs the database answers 503 problem+json while it is down.
      const sweep = await everyOperationDuringOutage(roomIds[0]!);
      expect(sweep.filter((answer) => !isUnavailableProblem(answer)).map(describeAnswer)).toEqual([]);

      await pg!.start();
      const upAt = Date.now();
      const ready = await pollUntil(
        'readiness 200 after restart',
        async () => probes.find((p) => p.probe === 'readyz' && p.start >= upAt && p.status === 200),
        10_000,
      );
      const firstBooking = await pollUntil(
        'a booking succeeding after restart',
        async () => load.results.find((r) => r.kind === 'booking' && r.start >= upAt && r.status === 201),
        10_000,
      );
      const firstRead = await pollUntil(
        'a read succeeding after restart',
        async () => load.results.find((r) => r.kind !== 'booking' && r.start >= upAt && r.status === 200),
        10_000,
      );
      await sleep(500); // a little healthy traffic after recovery

      const samples = await load.stop();
      await probeLoop.stop();

      const outage = samples.filter((r) => r.end >= stoppedAt && r.start < upAt);
      const unavailable = samples.filter((r) => r.status === 503);
      const maxLatency = Math.max(...samples.map((r) => r.ms));
      const maxOutageLatency = Math.max(0, ...outage.map((r) => r.ms));
      const byStatus = tallyOutcomes(samples);

      // Every answer is a success or a 503 problem+json with Retry-After: no hang, no 500, no reset.
      const unexpected = unexpectedOutcomes(samples);
      expect(unexpected).toEqual([]);
      expect(maxLatency).toBeLessThan(6000);
      expect(unavailable.length).toBeGreaterThan(0);

      // Readiness went 503 within a few seconds; liveness never failed.
      expect(notReady.end - stopAt).toBeLessThan(5000);
      const healthz = probes.filter((p) => p.probe === 'healthz');
      expect(healthz.filter((p) => p.status !== 200)).toEqual([]);
      expect(Math.max(...healthz.map((p) => p.ms))).toBeLessThan(2000);

      // Recovery within 5 s of the database accepting connections.
      expect(ready.end - upAt).toBeLessThan(5000);
      expect(firstBooking.end - upAt).toBeLessThan(5000);
      expect(firstRead.end - upAt).toBeLessThan(5000);

      // No acknowledged booking is missing; nothing half-exists.
      const acknowledged = samples.flatMap((r) => (r.bookingId ? [r.bookingId] : []));
      const present = await existingBookings(db, acknowledged);
      expect(acknowledged.filter((id) => !present.has(id))).toEqual([]);
      const counts = await orphanCounts(db);
      expect(counts.bookingsWithoutNotification).toBe(0);
      expect(counts.notificationsWithoutBooking).toBe(0);

      console.warn(
        `[faults] database outage: ${samples.length} requests ${JSON.stringify(byStatus)}; ` +
          `outage ${upAt - stoppedAt} ms (stop took ${stoppedAt - stopAt} ms); ` +
          `readyz 503 ${notReady.end - stopAt} ms after the stop began; max latency during outage ${maxOutageLatency} ms ` +
          `(overall ${maxLatency} ms); recovery after start: readyz ${ready.end - upAt} ms, ` +
          `booking ${firstBooking.end - upAt} ms, read ${firstRead.end - upAt} ms; ` +
          `acknowledged bookings ${acknowledged.length}, in table ${counts.bookings} ` +
          `(${counts.bookings - acknowledged.length} committed but unacknowledged), orphans 0`,
      );
    } finally {
      await load.stop();
      await probeLoop.stop();
      if (hotel.child.exitCode !== null) console.warn(`hotel died:\n${hotel.output()}`);
    }
    // The services are still the same processes (no crash on connection errors).
    expect(hotel.child.exitCode).toBeNull();
    expect(auth.child.exitCode).toBeNull();
  });

  it('PostgreSQL unresponsive (frozen): bounded timeouts turn into 503s, then it recovers', async () => {
    const db = pg!.db;
    const staff = await signer.bearer('staff');
    const roomIds = await createRooms(hotel, await signer.bearer('admin'), 10);
    let slot = 0;
    const load = runLoops(4, async (worker): Promise<Sample> => {
      if (worker === 0) {
        const res = await call(hotel.base, 'POST', '/api/bookings', {
          headers: staff,
          body: slotBooking(roomIds, slot++),
          timeoutMs: 20_000,
        });
        const bookingId = res.status === 201 ? (JSON.parse(res.body) as { id: string }).id : undefined;
        return { ...res, kind: 'booking', bookingId };
      }
      if (worker === 1)
        return {
          ...(await call(hotel.base, 'GET', '/api/rooms?limit=10', { timeoutMs: 20_000 })),
          kind: 'rooms',
        };
      const path = `/api/availability?check_in=${day(2)}&check_out=${day(4)}`;
      return { ...(await call(hotel.base, 'GET', path, { timeoutMs: 20_000 })), kind: 'availability' };
    });
    const probes: Answer[] = [];
    const probeLoop = runLoops(1, async () => {
      probes.push(await call(hotel.base, 'GET', '/readyz', { timeoutMs: 10_000 }));
      await sleep(100);
    });
    try {
      await pollUntil(
        'bookings',
        async () => load.results.filter((r) => r.status === 201).length >= 5,
        20_000,
      );
      const frozenAt = Date.now();
      signalPostgres(pg!, 'SIGSTOP');
      frozen = true;
      const notReady = await pollUntil(
        'readiness 503',
        async () => probes.find((p) => p.start >= frozenAt && p.status === 503),
        10_000,
      );
      await sleep(6000);
      signalPostgres(pg!, 'SIGCONT');
      frozen = false;
      const thawedAt = Date.now();
      const ready = await pollUntil(
        'readiness 200',
        async () => probes.find((p) => p.start >= thawedAt && p.status === 200),
        15_000,
      );
      const firstBooking = await pollUntil(
        'a booking after the thaw',
        async () => load.results.find((r) => r.kind === 'booking' && r.start >= thawedAt && r.status === 201),
        15_000,
      );
      await sleep(500);
      const samples = await load.stop();
      await probeLoop.stop();
      const byStatus = tallyOutcomes(samples);
      const maxLatency = Math.max(...samples.map((r) => r.ms));
      console.warn(
        `[faults] database frozen: ${samples.length} requests ${JSON.stringify(byStatus)}; readyz 503 after ` +
          `${notReady.end - frozenAt} ms; max latency ${maxLatency} ms (by kind: ${(
            ['rooms', 'availability', 'booking'] as const
          )
            .map((k) => `${k} ${Math.max(0, ...samples.filter((r) => r.kind === k).map((r) => r.ms))}`)
            .join(
              ', ',
            )}); readyz 200 ${ready.end - thawedAt} ms and booking ${firstBooking.end - thawedAt} ms after the thaw`,
      );
      const unexpected = unexpectedOutcomes(samples);
      expect(unexpected).toEqual([]);
      expect(maxLatency).toBeLessThan(6000);
      expect(ready.end - thawedAt).toBeLessThan(5000);
      expect(firstBooking.end - thawedAt).toBeLessThan(5000);
      const acknowledged = samples.flatMap((r) => (r.bookingId ? [r.bookingId] : []));
      const present = await existingBookings(db, acknowledged);
      expect(acknowledged.filter((id) => !present.has(id))).toEqual([]);
      expect(await orphanCounts(db)).toMatchObject({
        bookingsWithoutNotification: 0,
        notificationsWithoutBooking: 0,
      });
    } finally {
      if (frozen) signalPostgres(pg!, 'SIGCONT');
      frozen = false;
      await load.stop();
      await probeLoop.stop();
    }
  });
});
